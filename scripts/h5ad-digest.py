# One line per dataset and group under obs and obsm of an .h5ad file (name, dtype, shape, sha256 of
# its values, attributes): two files whose digests are equal have the same obs and obsm.
#   /usr/bin/python3 scripts/h5ad-digest.py FILE.h5ad
import hashlib, sys, h5py, numpy as np
def walk(f, root):
    out = []
    def visit(name, obj):
        attrs = sorted((k, repr(v.tolist() if hasattr(v, 'tolist') else v)) for k, v in obj.attrs.items())
        if isinstance(obj, h5py.Dataset):
            a = obj[()]
            b = np.asarray(a).tobytes() if a.dtype.kind != 'O' else repr(a.tolist()).encode()
            out.append(f"{root}/{name} {obj.dtype} {obj.shape} {hashlib.sha256(b).hexdigest()[:16]} {attrs}")
        else:
            out.append(f"{root}/{name}/ {attrs}")
    if root in f:
        f[root].visititems(visit)
    return out
with h5py.File(sys.argv[1], 'r') as f:
    for root in ('obs', 'obsm'):
        print('\n'.join(walk(f, root)))

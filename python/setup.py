"""Builds the extension celltypist_wasm._core with CMake (see CMakeLists.txt).

Metadata lives in pyproject.toml; this file only tells setuptools that the package has a
compiled part and how to compile it. Nothing is downloaded: CMake finds Debian's pybind11-dev
(or the pybind11 Python package's CMake files), Eigen 3 and a C++17 compiler.
"""
import os
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        out_dir = os.path.dirname(os.path.abspath(self.get_ext_fullpath(ext.name)))
        build_dir = os.path.join(HERE, "build", "cmake")
        os.makedirs(build_dir, exist_ok=True)
        args = [
            "cmake", "-S", HERE, "-B", build_dir,
            "-DCMAKE_BUILD_TYPE=Release",
            f"-DPython_EXECUTABLE={sys.executable}",
            f"-DCMAKE_LIBRARY_OUTPUT_DIRECTORY={out_dir}",
        ]
        try:
            import pybind11  # Debian's python3-pybind11 or a pip one: its CMake config

            args.append(f"-Dpybind11_DIR={pybind11.get_cmake_dir()}")
        except ImportError:
            pass  # pybind11-dev's /usr/lib/cmake/pybind11 is found by CMake itself
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
        try:
            subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
            subprocess.run(["cmake", "--build", build_dir, "-j", jobs], check=True)
        except FileNotFoundError:
            sys.exit("celltypist-wasm: building the C++ core needs cmake (Debian: apt-get install cmake g++ libeigen3-dev pybind11-dev)")


setup(ext_modules=[CMakeExtension("celltypist_wasm._core")], cmdclass={"build_ext": CMakeBuild})

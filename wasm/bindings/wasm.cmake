# WebAssembly build (included by CMakeLists.txt under emcmake). Two variants:
#   CT_WASM_THREADS=OFF  ct-simd     SIMD only (pages without cross-origin isolation)
#   CT_WASM_THREADS=ON   ct-threads  SIMD + pthreads (SharedArrayBuffer available)
# Emitted as classic MODULARIZE factories (Debian's emscripten 3.1.6 ES6 output breaks under
# Node); web/engine/wasm/load.ts wraps them for Node and the browser.
option(CT_WASM_THREADS "Build the pthreads variant" OFF)
set(CT_WASM_OUT "${CMAKE_SOURCE_DIR}/web/engine/wasm/generated" CACHE PATH "Output folder")

if(CT_WASM_THREADS)
  set(name ct-threads)
  set(export_name createCellTypistThreads)
  set(thread_flags -pthread)
  # No pool at start-up: web/engine/wasm/load.ts starts the workers a run needs (each one is a
  # thread with its own copy of the compiled module: ~20 MB and a compile each).
  set(thread_link -pthread -sPTHREAD_POOL_SIZE=0 -sPTHREAD_POOL_SIZE_STRICT=0)
  # Emscripten's JS-based exceptions: with -pthread, Debian's emscripten 3.1.6 matches no typed
  # catch of a WebAssembly exception (only catch (...)), so every error would lose its message.
  set(eh_flags -fexceptions)
else()
  set(name ct-simd)
  set(export_name createCellTypistSimd)
  set(thread_flags)
  set(thread_link)
  # C++ exceptions as WebAssembly exceptions (Node 17+, Chrome 95+, Firefox 100+, Safari 15.2+):
  # Emscripten's JS-based -fexceptions routes every call that may throw past a destructor through
  # a JS trampoline (invoke_*), which makes model loading and gene matching ~2x slower and the
  # module 20% larger.
  set(eh_flags -fwasm-exceptions)
endif()

# The bindings: one file per area of the core (model, predict, cluster, train, export) and the
# marshalling they share.
file(GLOB CT_BINDING_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/wasm/bindings/*.cpp)
add_executable(${name} ${CT_BINDING_SOURCES} ${CT_CORE_SOURCES})
target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/wasm)
target_link_libraries(${name} PRIVATE Eigen3::Eigen)
target_compile_options(${name} PRIVATE -O3 -msimd128 ${eh_flags} ${thread_flags})
target_link_options(${name} PRIVATE
  -O3 -msimd128 ${eh_flags} --bind ${thread_link}
  -sMODULARIZE=1 -sEXPORT_NAME=${export_name}
  -sENVIRONMENT=web,worker,node
  -sALLOW_MEMORY_GROWTH=1 -sINITIAL_MEMORY=64MB -sMAXIMUM_MEMORY=4GB
  -sEXPORTED_FUNCTIONS=['_malloc','_free']
  -sEXPORTED_RUNTIME_METHODS=['HEAPU8','HEAP32','HEAPF32','HEAPF64']
  -sINCOMING_MODULE_JS_API=['wasmBinary','locateFile','mainScriptUrlOrBlob','print','printErr','instantiateWasm']
)
set_target_properties(${name} PROPERTIES OUTPUT_NAME ${name} SUFFIX ".js"
  RUNTIME_OUTPUT_DIRECTORY ${CT_WASM_OUT})

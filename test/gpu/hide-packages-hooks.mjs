// Resolve hook for hide-packages.mjs: a hidden bare specifier (or a subpath of it) fails to resolve.
let hidden = [];

export function initialize(data) {
  hidden = data?.hidden ?? [];
}

export async function resolve(specifier, context, next) {
  if (hidden.some((p) => specifier === p || specifier.startsWith(`${p}/`))) {
    const err = new Error(`Cannot find package '${specifier}' (hidden by test/gpu/hide-packages.mjs)`);
    err.code = 'ERR_MODULE_NOT_FOUND';
    throw err;
  }
  return next(specifier, context);
}

// Build information reported by `aeon version`, /api/v1/status/buildinfo and the Info API.
export const version = "0.1.0";
export const revision = "HEAD";
export const branch = "main";

// Isomorphic: the largest file an import accepts, for the server's check and the form's hint.
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const MAX_UPLOAD_LABEL = "20 MB";

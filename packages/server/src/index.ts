// --- storage (helper: storage) ---

// --- schema + authorization tables (helper: authorize) ---

// --- auth modes: JWT (helper: jwt) ---

// --- auth modes: IAM (helper: sigv4) ---

// --- auth modes: API key + Lambda (helper: lambda) ---

// --- request handling (lead) ---

namespace PacSpace.Hosting.Errors;

/// <summary>
/// The answers to a request without a usable <c>X-Api-Key</c> header, shared by the planes (which authenticate the key) and
/// the control plane's one origin (which reads only its prefix), so a client sees the same code and text from either address.
/// </summary>
public static class ApiKeyErrors
{
    public const string HeaderName = "X-Api-Key";

    public static readonly Error Missing = new(401, ErrorCodes.MissingApiKey,
        $"Send your API key in the {HeaderName} header (pk_test_….sk_test_… for Sandbox, pk_live_….sk_live_… for Production).");

    public static readonly Error Malformed = new(401, ErrorCodes.InvalidApiKey,
        "The API key is malformed or mistyped. Copy the full key (pk_….sk_…) exactly as it was shown when it was created.");
}

namespace PacSpace.ControlPlane.Features.Environments;

/// <summary>
/// The two vocabularies of the same state. Rows store the current one (<c>sandbox</c>, <c>none</c>…); the
/// V3.6 routes translate on the way out (<c>testnet</c>, <c>not_provisioned</c>…).
/// </summary>
internal static class Vocabulary
{
    public const string None = "none";
    public const string Activating = "activating";
    public const string Active = "active";
    public const string Failed = "failed";

    public static string V36Status(string status) => status switch
    {
        None => "not_provisioned",
        Activating => "provisioning",
        Failed => "error",
        _ => status,
    };
}

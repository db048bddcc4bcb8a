namespace PacSpace.Hosting.Web;

/// <summary>The contract between the control plane and the planes' <c>/internal/*</c> routes.</summary>
public static class InternalApi
{
    /// <summary>Header carrying the shared service secret.</summary>
    public const string SecretHeader = "X-PacSpace-Service-Secret";
}

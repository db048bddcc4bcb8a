namespace PacSpace.Plane.Features.Keys;

/// <summary>Endpoint metadata: this route needs an API key of the plane's environment.</summary>
internal sealed class ApiKeyRequired
{
    public static readonly ApiKeyRequired Instance = new();
}

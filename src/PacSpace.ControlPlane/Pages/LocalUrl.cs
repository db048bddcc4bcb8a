namespace PacSpace.ControlPlane.Pages;

/// <summary>Local redirect targets only: a return URL from the query never leads off the dashboard.</summary>
internal static class LocalUrl
{
    public static string Or(string? url, string fallback) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : fallback;
}

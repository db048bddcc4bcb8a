using System.Globalization;
using PacSpace.Contracts.Reads;
using PacSpace.ControlPlane.Planes;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// Base of the pages that show the data of the environment chosen in the header, read from that environment's plane. A read
/// that fails for an expected reason (the plane does not answer, the environment is not active, a bad link, something the
/// tenant does not have) is shown in the page with the matching status, never as a server error.
/// </summary>
public abstract class DataPage : SignedInPage
{
    /// <summary>Why the data is not shown, when it is not.</summary>
    internal string? Problem { get; private set; }

    internal string EnvLabel => Display.EnvLabel(Shell.Current);

    private protected Actor PageActor => Actor.Page(HttpContext);

    /// <summary>Shows an expected failure of a read on this response, with its status.</summary>
    internal void Refused(Error error)
    {
        Response.StatusCode = error.Status;
        if (error.RetryAfterSeconds is int retry)
        {
            Response.Headers.RetryAfter = retry.ToString(CultureInfo.InvariantCulture);
        }

        Problem = error.Code switch
        {
            ErrorCodes.EnvironmentNotActive => $"{EnvLabel} is not active, so it has no data to show yet. Activate it under Settings.",
            ErrorCodes.ServiceUnavailable => error.Message,
            ErrorCodes.ValidationError when error.Details?.Any(d => d.Field == "cursor") == true =>
                "That page link is not valid here (it may belong to the other environment or an older list). Start again from the first page.",
            _ => Describe(error),
        };
    }

    /// <summary>A page cursor from the address, when it can be one; a longer one is refused here, before any plane is asked.</summary>
    internal string? CursorOf(string? cursor)
    {
        if (cursor is { Length: > ReadRoutes.MaxCursorLength })
        {
            Refused(Error.Validation("cursor", "is not a page of this list"));
            return null;
        }

        return string.IsNullOrEmpty(cursor) ? null : cursor;
    }

    /// <summary>
    /// A proof link as the plane gives it (a path on the plane, or a URL), made absolute against the plane's public address, so
    /// it opens on the plane that holds the proof; null for anything that is not an http(s) link.
    /// </summary>
    internal string? PlaneLink(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return null;
        }

        // A path (on Unix a bare path would parse as an absolute file: URI) is the plane's own.
        if (url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal))
        {
            var plane = Shell.Current == PacSpaceEnvironment.Production ? Shell.ProductionUrl : Shell.SandboxUrl;
            return new Uri(new Uri(plane.TrimEnd('/') + "/"), url.TrimStart('/')).ToString();
        }

        return Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" ? absolute.ToString() : null;
    }
}

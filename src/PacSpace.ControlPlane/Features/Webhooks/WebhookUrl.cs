using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Webhooks;

/// <summary>
/// The rules for an endpoint's <c>url</c>: an absolute http(s) URL of at most 2048 characters without user info
/// (<see cref="Read"/>, from the body alone), whose host is and resolves only to addresses webhooks may be sent to
/// (<see cref="CheckAsync"/>, <see cref="OutboundAddress"/>). The plane checks the address again when it connects.
/// </summary>
internal static class WebhookUrl
{
    public const int MaxLength = 2048;

    public static Uri? Read(FieldReader fields, bool required)
    {
        var text = fields.String("url", required, 1, MaxLength, rule: TextRule.Line);
        if (text is null)
        {
            return null;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Host.Length == 0)
        {
            fields.Add("url", "must be an absolute http:// or https:// URL such as https://example.com/webhooks/pacspace");
            return null;
        }

        if (url.UserInfo.Length > 0)
        {
            fields.Add("url", "must not carry a user name or password (user:password@host); the signature authenticates each delivery");
            return null;
        }

        return url;
    }

    /// <summary>Null when deliveries of <paramref name="env"/> may go to <paramref name="url"/>; else <c>VALIDATION_ERROR</c> naming <c>url</c> with the reason.</summary>
    public static async Task<Error?> CheckAsync(Uri url, PacSpaceEnvironment env, WebhooksOptions options, CancellationToken ct)
    {
        if (env == PacSpaceEnvironment.Production && options.RequireHttpsForProduction && url.Scheme != Uri.UriSchemeHttps)
        {
            return Error.Validation("url", "must use https:// for a Production endpoint");
        }

        var host = await OutboundAddress.ResolveAsync(url.IdnHost, options.AllowPrivateNetworks, options.ResolveTimeout, cancellationToken: ct);
        return host.Allowed ? null : Error.Validation("url", $"must point at an address webhooks may be sent to; {host.Refusal}");
    }
}

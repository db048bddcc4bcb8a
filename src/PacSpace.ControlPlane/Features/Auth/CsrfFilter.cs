using Microsoft.AspNetCore.Http;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>Cookie-authenticated writes must carry <c>X-Pacspace-CSRF: 1</c>; a cross-site form cannot set it.</summary>
internal sealed class CsrfFilter : IEndpointFilter
{
    public const string HeaderName = "X-Pacspace-CSRF";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method) && !HttpMethods.IsOptions(http.Request.Method)
            && http.User.IsCookieAuthenticated()
            && http.Request.Headers[HeaderName] != "1")
        {
            return ValueTask.FromResult<object?>(Envelope.Fail(new Error(403, ErrorCodes.CsrfRequired,
                $"Cookie-authenticated requests that change data must send the header {HeaderName}: 1.")));
        }

        return next(context);
    }
}

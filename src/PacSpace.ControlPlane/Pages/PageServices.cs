using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace PacSpace.ControlPlane.Pages;

internal static class PageServices
{
    /// <summary>Page models are public (Razor needs that) while feature services are internal, so those come from the request's container.</summary>
    public static T Service<T>(this PageModel page)
        where T : notnull => page.HttpContext.RequestServices.GetRequiredService<T>();
}

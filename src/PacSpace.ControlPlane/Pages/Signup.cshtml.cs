using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Auth;

namespace PacSpace.ControlPlane.Pages;

/// <summary>The sign-up form over <see cref="RegisterAccount"/>: same rules, same transaction, same verification mail.</summary>
public sealed class SignupModel(IOptions<AuthOptions> options) : PageModel
{
    private static readonly string[] Fields = ["firstName", "lastName", "organization", "email", "password", "approvalToken"];

    public string? Error { get; private set; }

    public string? SentTo { get; private set; }

    public bool ApprovalRequired => options.Value.RegistrationMode == RegistrationMode.Approval;

    public string Form(string name) => Request.HasFormContentType && name != "password" ? Request.Form[name].ToString() : "";

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var input = RegisterAccount.Parse(FormFields.Read(Request.Form, Fields));
        var registered = input.IsSuccess ? await this.Service<RegisterAccount>().HandleAsync(input.Value, ct) : input.Error!;
        if (!registered.IsSuccess)
        {
            Error = SignedInPage.Describe(registered.Error!);
            Response.StatusCode = registered.Error!.Status;
            return Page();
        }

        SentTo = registered.Value.Email;
        return Page();
    }
}

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.ControlPlane.Jobs;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Pages;

/// <summary>The sign-up form over <see cref="Register"/>: same rules, same transaction, same verification mail.</summary>
public sealed class SignupModel(Database db, IOptions<AuthOptions> options, TimeProvider time) : PageModel
{
    private Passwords passwords => this.Service<Passwords>();

    private Verification verification => this.Service<Verification>();

    private JobSignal<ProvisioningJob> signal => this.Service<JobSignal<ProvisioningJob>>();

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
        var input = Register.Parse(FormFields.Read(Request.Form, Fields));
        var registered = input.IsSuccess ? await Register.RegisterAsync(input.Value, db, passwords, verification, signal, options, time, ct) : input.Error!;
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

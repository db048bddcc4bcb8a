using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using PacSpace.ControlPlane.Features.Auth;
using QRCoder;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// Two-factor authentication over the same use cases as <c>/dashboard/auth/2fa/*</c>: set up (a QR code and the key
/// in text), confirm with a code, the recovery codes shown once (through the encrypted single-read TempData cookie, on
/// a page that is never cached), and turning it off with the password.
/// </summary>
public sealed class TwoFactorModel : SignedInPage
{
    [TempData]
    public string? RecoveryCodesJson { get; set; }

    internal IReadOnlyList<string>? RecoveryCodes { get; private set; }

    internal TwoFactorView Status { get; private set; } = null!;

    internal SetUpTwoFactor.Output? Pending { get; private set; }

    internal string? QrCode { get; private set; }

    private Actor PageActor => Actor.Page(HttpContext);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        if (RecoveryCodesJson is { } json)
        {
            RecoveryCodes = JsonSerializer.Deserialize<List<string>>(json);
        }

        (Status, Pending) = await this.Service<GetTwoFactor>().HandleAsync(PageActor, withPendingSecret: true, ct);
        if (Pending is not null)
        {
            using var generator = new QRCodeGenerator();
            using var data = generator.CreateQrCode(Pending.OtpAuthUri, QRCodeGenerator.ECCLevel.M);
            QrCode = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(6));
        }
    }

    public async Task<IActionResult> OnPostSetUpAsync(CancellationToken ct)
    {
        var setUp = await this.Service<SetUpTwoFactor>().HandleAsync(PageActor, ct);
        if (!setUp.IsSuccess)
        {
            ShowError(setUp.Error!);
        }

        return Redirect("/two-factor");
    }

    public async Task<IActionResult> OnPostEnableAsync(CancellationToken ct)
    {
        var input = EnableTwoFactor.Parse(FormFields.Read(Request.Form, "code"));
        var enabled = input.IsSuccess ? await this.Service<EnableTwoFactor>().HandleAsync(PageActor, input.Value, ct) : input.Error!;
        if (enabled.IsSuccess)
        {
            RecoveryCodesJson = JsonSerializer.Serialize(enabled.Value.RecoveryCodes);
            Flash = "Two-factor authentication is on.";
        }
        else
        {
            ShowError(enabled.Error!);
        }

        return Redirect("/two-factor");
    }

    public async Task<IActionResult> OnPostDisableAsync(CancellationToken ct)
    {
        var input = DisableTwoFactor.Parse(FormFields.Read(Request.Form, "password"));
        var disabled = input.IsSuccess ? await this.Service<DisableTwoFactor>().HandleAsync(PageActor, input.Value, ct) : input.Error!;
        if (disabled.IsSuccess)
        {
            Flash = "Two-factor authentication is off.";
        }
        else
        {
            ShowError(disabled.Error!);
        }

        return Redirect("/two-factor");
    }
}

using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// <c>POST /dashboard/auth/forgot-password</c> and the forgot-password page: mails a single-use reset link when the
/// address has an account. The caller answers the same either way, and the mail leaves after the answer, so neither
/// the answer nor its timing says whether the address is registered.
/// </summary>
internal sealed class RequestPasswordReset(Database db, UserStore users, AccountMail mail)
{
    public sealed record Input(string Email);

    public static Result<Input> Parse(FieldReader f)
    {
        var email = EmailField.Read(f);
        return f.HasErrors ? f.ToError() : new Input(email!);
    }

    public async Task HandleAsync(Input input, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        if (await users.FindByEmailAsync(connection, Secrets.NormalizeEmail(input.Email), ct) is not { } user)
        {
            return;
        }

        await mail.IssueAndSendAsync(connection, OneTimeToken.PasswordReset, user.Id, user.Email, ct);
    }
}

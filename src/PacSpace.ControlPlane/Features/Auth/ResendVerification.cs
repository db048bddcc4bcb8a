using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// A new verification mail for an unverified account. The caller answers the same whether or not the account exists or
/// is already verified, so nothing can be learnt about which addresses are registered.
/// </summary>
internal sealed class ResendVerification(Database db, UserStore users, AccountMail mail)
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
        if (await users.FindUnverifiedAsync(connection, Secrets.NormalizeEmail(input.Email), ct) is not { } user)
        {
            return;
        }

        await mail.IssueAndSendAsync(connection, OneTimeToken.Verification, user.Id, user.Email, ct);
    }
}

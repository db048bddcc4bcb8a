using System.Data.Common;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Mail;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// The account mails: verification, password reset, and the note to an owner that someone tried to register with
/// their address. Tokens are issued inside the caller's transaction and stored as hashes; the mails go out through
/// <see cref="MailQueue"/> after the answer. Links open a page whose button uses the token, so a mail scanner that
/// follows links uses nothing.
/// </summary>
internal sealed class AccountMail(
    MailQueue queue,
    OneTimeTokenStore tokens,
    IOptions<AuthOptions> auth,
    IOptions<DashboardOptions> dashboard,
    TimeProvider time)
{
    public async Task<string> IssueTokenAsync(DbConnection connection, DbTransaction tx, OneTimeToken kind, string userId, CancellationToken ct)
    {
        var token = Secrets.NewToken();
        var now = time.GetUtcNow();
        var lifetime = kind == OneTimeToken.PasswordReset ? auth.Value.PasswordResetTokenLifetime : auth.Value.VerificationTokenLifetime;
        await tokens.InsertAsync(connection, tx, kind, Secrets.Hash(token), userId, now.ToUnixTimeMilliseconds(), now.Add(lifetime).ToUnixTimeMilliseconds(), ct);
        return token;
    }

    /// <summary>Issues a token of <paramref name="kind"/> for the user in its own transaction, then queues the mail carrying its link.</summary>
    public async Task IssueAndSendAsync(DbConnection connection, OneTimeToken kind, string userId, string email, CancellationToken ct)
    {
        string token;
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            token = await IssueTokenAsync(connection, tx, kind, userId, ct);
            await tx.CommitAsync(ct);
        }

        if (kind == OneTimeToken.PasswordReset)
        {
            SendPasswordReset(email, token);
        }
        else
        {
            SendVerification(email, token);
        }
    }

    public void SendVerification(string email, string token)
    {
        var link = Url("/verify-email?token=" + Uri.EscapeDataString(token));
        queue.Enqueue(new MailQueue.Message(email, "Verify your PacSpace e-mail address",
            $"""
            Welcome to PacSpace.

            Confirm this e-mail address by opening the link below and pressing the button (valid for {auth.Value.VerificationTokenLifetime.TotalHours:0} hours):

            {link}

            Your Sandbox environment is already being activated; you can create a Sandbox API key as soon as you log in.
            If you did not sign up, ignore this message.
            """, link));
    }

    public void SendPasswordReset(string email, string token)
    {
        var link = Url("/reset-password?token=" + Uri.EscapeDataString(token));
        queue.Enqueue(new MailQueue.Message(email, "Reset your PacSpace password",
            $"""
            Someone (hopefully you) asked to reset the password of the PacSpace account for this address.

            Choose a new password by opening the link below (valid for {auth.Value.PasswordResetTokenLifetime.TotalMinutes:0} minutes, once):

            {link}

            Setting a new password signs the account out everywhere. If you did not ask for this, ignore this message:
            your password stays as it is.
            """, "(in the message file only: a reset link opens the account)"));
    }

    public void SendRegistrationAttempt(string email)
    {
        var login = Url("/login");
        queue.Enqueue(new MailQueue.Message(email, "Someone tried to create a PacSpace account with your address",
            $"""
            Someone tried to create a new PacSpace account with this e-mail address, which already has one.
            Nothing was created and nothing about your account changed.

            If it was you, log in instead: {login}
            Forgot your password? Reset it: {Url("/forgot-password")}

            If it was not you, you can ignore this message.
            """, login));
    }

    private string Url(string pathAndQuery) => dashboard.Value.PublicUrl.TrimEnd('/') + pathAndQuery;
}

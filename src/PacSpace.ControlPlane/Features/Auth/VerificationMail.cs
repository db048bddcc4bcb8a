using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Mail;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>The verification mail: a new single-use token (stored as a hash) and the message carrying its link.</summary>
internal sealed partial class VerificationMail(
    Mailer mailer,
    VerificationTokenStore tokens,
    IOptions<AuthOptions> auth,
    IOptions<DashboardOptions> dashboard,
    TimeProvider time,
    ILogger<VerificationMail> logger)
{
    /// <summary>Issues a token inside the caller's transaction; the mail goes out once that has committed.</summary>
    public async Task<string> IssueTokenAsync(DbConnection connection, DbTransaction tx, string userId, CancellationToken ct)
    {
        var token = Secrets.NewToken();
        var now = time.GetUtcNow();
        await tokens.InsertAsync(connection, tx, Secrets.Hash(token), userId, now.ToUnixTimeMilliseconds(),
            now.Add(auth.Value.VerificationTokenLifetime).ToUnixTimeMilliseconds(), ct);
        return token;
    }

    /// <summary>Mail failures never fail the request: the user can ask for the mail again.</summary>
    public async Task SendAsync(string email, string token, CancellationToken ct)
    {
        var link = $"{dashboard.Value.PublicUrl.TrimEnd('/')}/dashboard/auth/verify?token={Uri.EscapeDataString(token)}";
        try
        {
            await mailer.SendAsync(email, "Verify your PacSpace e-mail address",
                $"""
                Welcome to PacSpace.

                Confirm this e-mail address by opening the link below (valid for {auth.Value.VerificationTokenLifetime.TotalHours:0} hours):

                {link}

                Your Sandbox environment is already being activated; you can create a Sandbox API key as soon as you log in.
                If you did not sign up, ignore this message.
                """, link, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogMailFailed(ex);
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Error, Message = "Could not send the verification e-mail")]
    private partial void LogMailFailed(Exception ex);
}

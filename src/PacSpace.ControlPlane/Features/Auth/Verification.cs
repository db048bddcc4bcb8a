using System.Data.Common;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Mail;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>E-mail verification: single-use tokens stored as hashes, the mail, and the two routes.</summary>
internal sealed partial class Verification(
    Mailer mailer,
    IOptions<AuthOptions> auth,
    IOptions<DashboardOptions> dashboard,
    TimeProvider time,
    ILogger<Verification> logger)
{
    public async Task<string> CreateTokenAsync(DbConnection connection, DbTransaction tx, string userId, CancellationToken ct)
    {
        var token = Secrets.NewToken();
        var now = time.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO verification_tokens (token_hash, user_id, created_at, expires_at) VALUES (@hash, @userId, @now, @expires)",
            new { hash = Secrets.Hash(token), userId, now = now.ToUnixTimeMilliseconds(), expires = now.Add(auth.Value.VerificationTokenLifetime).ToUnixTimeMilliseconds() },
            tx, cancellationToken: ct));
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

    public static async Task<IResult> VerifyAsync(string? token, Database db, TimeProvider time, CancellationToken ct) =>
        Envelope.From(await ConsumeAsync(token, db, time, ct), _ => Envelope.Ok(new { isVerified = true }, 200, "Email verified successfully."));

    /// <summary>Uses a verification token once; shared by the API route and the landing page of the mail link.</summary>
    public static async Task<Result<string>> ConsumeAsync(string? token, Database db, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 200)
        {
            return InvalidToken();
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var userId = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            """
            UPDATE verification_tokens SET used_at = @now
            WHERE token_hash = @hash AND used_at IS NULL AND expires_at > @now
            RETURNING user_id
            """, new { now, hash = Secrets.Hash(token) }, tx, cancellationToken: ct));
        if (userId is null)
        {
            return InvalidToken();
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET is_verified = 1, verified_at = COALESCE(verified_at, @now) WHERE id = @userId",
            new { now, userId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return userId;
    }

    public static async Task<IResult> ResendAsync(HttpContext http, Database db, Verification verification, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        var email = Register.ReadEmail(body.Value);
        if (body.Value.HasErrors)
        {
            return Envelope.Fail(body.Value.ToError());
        }

        await using var connection = await db.OpenAsync(ct);
        var user = await connection.QuerySingleOrDefaultAsync<PendingUser>(new CommandDefinition(
            "SELECT id, email FROM users WHERE email_normalized = @normalized AND is_verified = 0",
            new { normalized = Secrets.NormalizeEmail(email!) }, cancellationToken: ct));
        if (user is { } u)
        {
            string token;
            await using (var tx = await connection.BeginTransactionAsync(ct))
            {
                token = await verification.CreateTokenAsync(connection, tx, u.id, ct);
                await tx.CommitAsync(ct);
            }

            await verification.SendAsync(u.email, token, ct);
        }

        // Same answer whether or not the account exists or is already verified: no enumeration.
        return Envelope.Ok<object?>(null, 200, "If an unverified account exists for this address, a new verification e-mail is on its way.");
    }

    public sealed record ResendRequest(string Email);

    private sealed record PendingUser(string id, string email);

    private static Error InvalidToken() => new(400, ErrorCodes.InvalidToken,
        "This verification link is unknown, already used or expired. Ask for a new one at POST /dashboard/auth/resend-verification.");

    [LoggerMessage(EventId = 110, Level = LogLevel.Error, Message = "Could not send the verification e-mail")]
    private partial void LogMailFailed(Exception ex);
}

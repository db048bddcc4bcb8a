using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Mail;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Access;

/// <summary>
/// Approval-mode registration: people ask for access, an operator approves with
/// <c>pacspace access approve &lt;email&gt;</c>, which issues a single-use approval token by e-mail.
/// </summary>
internal static class AccessRequests
{
    public sealed record Request(string Name, string Email, string Organization, string? BuyerMode, string? UseCase);

    public static async Task<IResult> RequestAsync(HttpContext http, Database db, TimeProvider time, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        var f = body.Value;
        var name = f.String("name", required: true, 1, 200);
        var email = Register.ReadEmail(f);
        var organization = f.String("organization", required: true, 1, 200);
        var buyerMode = f.String("buyerMode", required: false, 1, 64);
        var useCase = f.String("useCase", required: false, 1, 2000);
        if (f.HasErrors)
        {
            return Envelope.Fail(f.ToError());
        }

        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO access_requests (id, email, email_normalized, name, organization, buyer_mode, use_case, created_at)
            VALUES (@id, @email, @normalized, @name, @organization, @buyerMode, @useCase, @now)
            """,
            new { id = Ids.New("acc", time), email, normalized = Secrets.NormalizeEmail(email!), name, organization, buyerMode, useCase, now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken: ct));

        // Identical for new, duplicate and already-registered addresses.
        return Envelope.Ok<object?>(null, 202, "Thanks. If your request is approved you will receive an e-mail with a registration link.");
    }

    /// <summary>Issues an approval token for <paramref name="email"/> and mails it. Used by the operator CLI.</summary>
    public static async Task<string> ApproveAsync(Database db, Mailer mailer, AuthOptions auth, DashboardOptions dashboard, string email, TimeProvider time, CancellationToken ct)
    {
        var token = Secrets.NewToken();
        var now = time.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO approval_tokens (token_hash, email_normalized, created_at, expires_at) VALUES (@hash, @normalized, @now, @expires)",
            new { hash = Secrets.Hash(token), normalized = Secrets.NormalizeEmail(email), now = now.ToUnixTimeMilliseconds(), expires = now.Add(auth.ApprovalTokenLifetime).ToUnixTimeMilliseconds() },
            cancellationToken: ct));
        var register = $"{dashboard.PublicUrl.TrimEnd('/')}/dashboard/auth/register";
        await mailer.SendAsync(email, "Your PacSpace access is approved",
            $"""
            Your request for PacSpace access was approved.

            Register with this approval token (single use, valid {auth.ApprovalTokenLifetime.TotalDays:0} days):

            {token}

            Register with POST {register} and "approvalToken" set to this value.
            """, register, ct);
        return token;
    }
}

using System.Net.Mail;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.ControlPlane.Jobs;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// <c>POST /dashboard/auth/register</c>, either body shape. User, tenant (free plan) and both environment rows
/// are written in one transaction, Sandbox already <c>activating</c>; the worker is woken at once.
/// </summary>
internal static class Register
{
    public sealed record Request(
        string Email,
        string Password,
        string? FirstName,
        string? LastName,
        string? CompanyName,
        string? Name,
        string? Organization,
        string? BuyerMode,
        string? ApprovalToken);

    public sealed record Response(string Id, string Email, string FirstName, string LastName, string Name, string TenantId, bool IsVerified);

    public static async Task<IResult> HandleAsync(
        HttpContext http,
        Database db,
        Passwords passwords,
        Verification verification,
        JobSignal<ProvisioningJob> signal,
        IOptions<AuthOptions> options,
        TimeProvider time,
        CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync(http.Request, ct);
        if (!body.IsSuccess)
        {
            return Envelope.Fail(body.Error!);
        }

        var input = Parse(body.Value);
        var registered = input.IsSuccess ? await RegisterAsync(input.Value, db, passwords, verification, signal, options, time, ct) : input.Error!;
        return Envelope.From(registered, v => Envelope.Ok(v, 201,
            "Registration successful. Check your e-mail to verify your account. Your Sandbox environment is being activated."));
    }

    public sealed record Input(string Email, string Password, string FirstName, string LastName, string Name, string? Organization, string? BuyerMode, string? ApprovalToken);

    /// <summary>Both body shapes (firstName/lastName or name); shared by the API route and the sign-up page.</summary>
    public static Result<Input> Parse(FieldReader f)
    {
        var email = ReadEmail(f);
        var password = f.String("password", required: true, Passwords.MinLength, Passwords.MaxLength);
        string? firstName, lastName, name;
        if (f.Has("firstName") || f.Has("lastName") || !f.Has("name"))
        {
            firstName = f.String("firstName", required: !f.Has("name"), 1, 100);
            lastName = f.String("lastName", required: !f.Has("name"), 1, 100);
            name = f.Has("name") ? f.String("name", required: false, 1, 200) : $"{firstName} {lastName}".Trim();
        }
        else
        {
            name = f.String("name", required: true, 1, 200);
            var parts = (name ?? "").Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            firstName = parts.ElementAtOrDefault(0) ?? "";
            lastName = parts.ElementAtOrDefault(1) ?? "";
        }

        var organization = f.String("organization", required: false, 1, 200) ?? f.String("companyName", required: false, 1, 200);
        var buyerMode = f.String("buyerMode", required: false, 1, 64);
        var approvalToken = f.String("approvalToken", required: false, 1, 200);
        return f.HasErrors ? f.ToError() : new Input(email!, password!, firstName!, lastName!, name!, organization, buyerMode, approvalToken);
    }

    /// <summary>User, tenant and both environment rows in one transaction; then the verification mail.</summary>
    public static async Task<Result<Response>> RegisterAsync(
        Input input,
        Database db,
        Passwords passwords,
        Verification verification,
        JobSignal<ProvisioningJob> signal,
        IOptions<AuthOptions> options,
        TimeProvider time,
        CancellationToken ct)
    {
        var (email, password, firstName, lastName, name, organization, buyerMode, approvalToken) = input;

        var approvalRequired = options.Value.RegistrationMode == RegistrationMode.Approval;
        if (approvalRequired && approvalToken is null)
        {
            return new Error(403, ErrorCodes.RegistrationRequiresApproval,
                "Registration needs approval: request access at POST /dashboard/auth/request-access, then register with the approvalToken you receive.");
        }

        var normalized = Secrets.NormalizeEmail(email);
        await using var connection = await db.OpenAsync(ct);
        if (await EmailTakenAsync(connection, normalized, ct))
        {
            return EmailTaken();
        }

        var hash = passwords.Hash(password);
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var userId = Ids.New("usr", time);
        var tenantId = Ids.New("tnt", time);
        var tenantName = organization ?? $"{name}'s workspace";
        string verificationToken;
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            if (approvalRequired)
            {
                var used = await connection.ExecuteAsync(new CommandDefinition(
                    """
                    UPDATE approval_tokens SET used_at = @nowMs
                    WHERE token_hash = @hash AND email_normalized = @normalized AND used_at IS NULL AND expires_at > @nowMs
                    """, new { nowMs, hash = Secrets.Hash(approvalToken!), normalized }, tx, cancellationToken: ct));
                if (used != 1)
                {
                    return new Error(400, ErrorCodes.InvalidToken,
                        "The approval token is unknown, already used, expired, or issued for another e-mail address.");
                }
            }

            try
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO tenants (id, name, plan, created_at, plan_changed_at) VALUES (@tenantId, @tenantName, @plan, @nowMs, @nowMs);
                    INSERT INTO users (id, tenant_id, email, email_normalized, password_hash, first_name, last_name, name, role, buyer_mode, created_at)
                    VALUES (@userId, @tenantId, @email, @normalized, @hash, @firstName, @lastName, @name, 'owner', @buyerMode, @nowMs);
                    """,
                    new { tenantId, tenantName, plan = Plans.Free, nowMs, userId, email, normalized, hash, firstName, lastName, name, buyerMode },
                    tx, cancellationToken: ct));
            }
            catch (Exception ex) when (Database.IsUniqueViolation(ex))
            {
                return EmailTaken();
            }

            await EnvironmentRows.InsertInitialAsync(connection, tx, tenantId, userId, time, ct);
            verificationToken = await verification.CreateTokenAsync(connection, tx, userId, ct);
            await tx.CommitAsync(ct);
        }

        signal.Notify();
        await verification.SendAsync(email, verificationToken, ct);
        return new Response(userId, email, firstName, lastName, name, tenantId, false);
    }

    internal static string? ReadEmail(FieldReader f)
    {
        var email = f.String("email", required: true, 3, 254);
        if (email is not null && (!MailAddress.TryCreate(email, out var parsed) || parsed.Address != email || !parsed.Host.Contains('.')))
        {
            f.Add("email", "must be an e-mail address such as dev@example.com");
            return null;
        }

        return email;
    }

    private static async Task<bool> EmailTakenAsync(System.Data.Common.DbConnection connection, string normalized, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM users WHERE email_normalized = @normalized", new { normalized }, cancellationToken: ct)) > 0;

    private static Error EmailTaken() => new(409, ErrorCodes.EmailTaken, "An account with this e-mail already exists. Log in instead.");
}

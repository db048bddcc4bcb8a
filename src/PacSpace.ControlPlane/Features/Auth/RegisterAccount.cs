using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Access;
using PacSpace.ControlPlane.Features.Billing;
using PacSpace.ControlPlane.Features.Environments;
using PacSpace.ControlPlane.Jobs;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Auth;

/// <summary>
/// A new account (<c>POST /dashboard/auth/register</c>, either body shape, and the sign-up page): user, tenant (free
/// plan) and both environment rows in one transaction, Sandbox already <c>activating</c>; the provisioning worker is
/// woken at once and the verification mail goes out. An address that already has an account gets the same answer
/// (new-looking ids, nothing stored), after the same password hashing, and its owner gets a mail instead: a new
/// verification link if the account is not verified yet, otherwise a note that someone tried. So the answer tells
/// nobody which addresses are registered.
/// </summary>
internal sealed class RegisterAccount(
    Database db,
    Passwords passwords,
    UserStore users,
    TenantStore tenants,
    ApprovalTokenStore approvals,
    AccountMail mail,
    JobSignal<ProvisioningJob> signal,
    IOptions<AuthOptions> options,
    TimeProvider time)
{
    public sealed record Input(string Email, string Password, string FirstName, string LastName, string Name, string? Organization, string? BuyerMode, string? ApprovalToken);

    public sealed record RegisteredUserView(string Id, string Email, string FirstName, string LastName, string Name, string TenantId, bool IsVerified);

    /// <summary>Both body shapes (firstName/lastName or name); the form fields of the sign-up page read the same way.</summary>
    public static Result<Input> Parse(FieldReader f)
    {
        var email = EmailField.Read(f);
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

    public async Task<Result<RegisteredUserView>> HandleAsync(Input input, CancellationToken ct)
    {
        var (email, password, firstName, lastName, name, organization, buyerMode, approvalToken) = input;

        var approvalRequired = options.Value.RegistrationMode == RegistrationMode.Approval;
        if (approvalRequired && approvalToken is null)
        {
            return new Error(403, ErrorCodes.RegistrationRequiresApproval,
                "Registration needs approval: request access at POST /dashboard/auth/request-access, then register with the approvalToken you receive.");
        }

        var normalized = Secrets.NormalizeEmail(email);
        var hash = passwords.Hash(password);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var userId = Ids.New("usr", time);
        var tenantId = Ids.New("tnt", time);
        var answer = new RegisteredUserView(userId, email, firstName, lastName, name, tenantId, false);
        await using var connection = await db.OpenAsync(ct);
        string verificationToken;
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            // The approval token is checked first, so a wrong one is refused the same way for every address.
            if (approvalRequired && !await approvals.ConsumeAsync(connection, tx, Secrets.Hash(approvalToken!), normalized, nowMs, ct))
            {
                return new Error(400, ErrorCodes.InvalidToken,
                    "The approval token is unknown, already used, expired, or issued for another e-mail address.");
            }

            if (await users.EmailTakenAsync(connection, normalized, ct, tx))
            {
                // Nothing is stored (the approval token stays unused); the owner hears of it by mail.
                await tx.RollbackAsync(ct);
                await MailOwnerAsync(connection, email, normalized, ct);
                return answer;
            }

            try
            {
                await tenants.InsertAsync(connection, tx, tenantId, organization ?? $"{name}'s workspace", Plans.Free, nowMs, ct);
                await users.InsertOwnerAsync(connection, tx,
                    new UserStore.NewOwner(userId, tenantId, email, normalized, hash, firstName, lastName, name, buyerMode, nowMs), ct);
            }
            catch (Exception ex) when (Database.IsUniqueViolation(ex))
            {
                // Registered by a concurrent request a moment ago: the same answer as for any taken address.
                await tx.RollbackAsync(ct);
                await MailOwnerAsync(connection, email, normalized, ct);
                return answer;
            }

            await EnvironmentStore.InsertInitialAsync(connection, tx, tenantId, userId, time, ct);
            verificationToken = await mail.IssueTokenAsync(connection, tx, OneTimeToken.Verification, userId, ct);
            await tx.CommitAsync(ct);
        }

        signal.Notify();
        mail.SendVerification(email, verificationToken);
        return answer;
    }

    /// <summary>
    /// The owner of a taken address: a new verification link while the account is unverified (as resend-verification
    /// would give), otherwise a note that someone tried.
    /// </summary>
    private async Task MailOwnerAsync(System.Data.Common.DbConnection connection, string email, string normalized, CancellationToken ct)
    {
        if (await users.FindUnverifiedAsync(connection, normalized, ct) is not { } pending)
        {
            // To the address as the owner registered it.
            mail.SendRegistrationAttempt((await users.FindByEmailAsync(connection, normalized, ct))?.Email ?? email);
            return;
        }

        await mail.IssueAndSendAsync(connection, OneTimeToken.Verification, pending.Id, pending.Email, ct);
    }
}

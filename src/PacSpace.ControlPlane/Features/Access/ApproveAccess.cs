using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Features.Auth;
using PacSpace.ControlPlane.Features.Mail;

namespace PacSpace.ControlPlane.Features.Access;

/// <summary>
/// The operator approves an address (<c>pacspace access approve &lt;email&gt;</c>): a single-use approval token for it,
/// e-mailed and returned. It takes no <see cref="Actor"/>: the tenant it would act on does not exist until the
/// approved person registers.
/// </summary>
internal sealed class ApproveAccess(ApprovalTokenStore approvals, Mailer mailer, IOptions<AuthOptions> auth, IOptions<DashboardOptions> dashboard, TimeProvider time)
{
    public sealed record Input(string Email);

    public sealed record Output(string Token);

    public async Task<Output> HandleAsync(Input input, CancellationToken ct)
    {
        var lifetime = auth.Value.ApprovalTokenLifetime;
        var token = Secrets.NewToken();
        var now = time.GetUtcNow();
        await approvals.InsertAsync(Secrets.Hash(token), Secrets.NormalizeEmail(input.Email), now.ToUnixTimeMilliseconds(), now.Add(lifetime).ToUnixTimeMilliseconds(), ct);
        var register = $"{dashboard.Value.PublicUrl.TrimEnd('/')}/dashboard/auth/register";
        await mailer.SendAsync(input.Email, "Your PacSpace access is approved",
            $"""
            Your request for PacSpace access was approved.

            Register with this approval token (single use, valid {lifetime.TotalDays:0} days):

            {token}

            Register with POST {register} and "approvalToken" set to this value.
            """, register, ct);
        return new Output(token);
    }
}

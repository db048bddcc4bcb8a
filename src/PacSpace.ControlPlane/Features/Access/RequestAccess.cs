using PacSpace.ControlPlane.Features.Auth;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;
using PacSpace.Hosting.Web;

namespace PacSpace.ControlPlane.Features.Access;

/// <summary>
/// A request for access in approval-mode registration, kept for the operator (who approves it with
/// <see cref="ApproveAccess"/>). Every request is stored; the answer is the same for new, repeated and registered addresses.
/// </summary>
internal sealed class RequestAccess(AccessRequestStore requests, TimeProvider time)
{
    public sealed record Input(string Name, string Email, string Organization, string? BuyerMode, string? UseCase);

    public static Result<Input> Parse(FieldReader f)
    {
        var name = f.String("name", required: true, 1, 200);
        var email = EmailField.Read(f);
        var organization = f.String("organization", required: true, 1, 200);
        var buyerMode = f.String("buyerMode", required: false, 1, 64);
        var useCase = f.String("useCase", required: false, 1, 2000);
        return f.HasErrors ? f.ToError() : new Input(name!, email!, organization!, buyerMode, useCase);
    }

    public Task HandleAsync(Input input, CancellationToken ct) =>
        requests.InsertAsync(new AccessRequestStore.NewRequest(Ids.New("acc", time), input.Email, Secrets.NormalizeEmail(input.Email), input.Name,
            input.Organization, input.BuyerMode, input.UseCase, time.GetUtcNow().ToUnixTimeMilliseconds()), ct);
}

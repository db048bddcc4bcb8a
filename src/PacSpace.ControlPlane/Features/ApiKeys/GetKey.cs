using PacSpace.Hosting.Data;
using PacSpace.Hosting.Errors;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>One key of the actor's tenant.</summary>
internal sealed class GetKey(Database db, ApiKeyStore keys, TimeProvider time)
{
    public sealed record Input(string Id);

    public async Task<Result<KeyView>> HandleAsync(Actor actor, Input input, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var found = await KeyRules.FindAsync(keys, connection, actor.TenantId, input.Id, changed: false, ct);
        return found.IsSuccess ? KeyView.Of(found.Value, time.GetUtcNow().ToUnixTimeMilliseconds()) : found.Error!;
    }
}

using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Planes;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>API keys as the planes hold them: the state of a key (never its secret) goes to the plane of its environment.</summary>
internal sealed class KeyPlaneSync(ApiKeyStore keys, PlaneClient planes, IOptions<KeySyncOptions> options) : PlaneSyncKind
{
    public override string Name => "key";

    public override PlaneOutbox Outbox => keys.Outbox;

    public override PlaneSyncOptions Options => options.Value;

    public override PacSpaceEnvironment PlaneOf(string storedEnvironment) => PacSpaceEnvironments.FromStoredKeyName(storedEnvironment);

    public override async Task<long?> PushAsync(string id, CancellationToken cancellationToken)
    {
        if (await keys.DeliveryStateAsync(id, cancellationToken) is not { } state)
        {
            return null;
        }

        await planes.PutKeyAsync(state, options.Value.RequestTimeout, cancellationToken);
        return state.Version;
    }
}

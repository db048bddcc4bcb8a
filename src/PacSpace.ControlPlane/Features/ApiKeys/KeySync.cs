using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Jobs;
using PacSpace.ControlPlane.Planes;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>
/// Delivers key changes to the plane of the key's environment while the dashboard call is still open. The
/// change is already committed (with its bumped version) when this runs, so a failure here only means
/// <see cref="KeyDeliveryJob"/> delivers it later.
/// </summary>
internal sealed partial class KeySync(
    ApiKeyStore keys,
    PlaneClient planes,
    JobSignal<KeyDeliveryJob> signal,
    IOptions<KeySyncOptions> options,
    ILogger<KeySync> logger)
{
    public const string Synced = "synced";
    public const string Pending = "pending";

    /// <returns><c>synced</c> when the plane has the latest state of every key, else <c>pending</c>.</returns>
    public async Task<string> DeliverNowAsync(IReadOnlyList<string> keyIds, CancellationToken cancellationToken)
    {
        var all = true;
        foreach (var id in keyIds)
        {
            var state = await keys.DeliveryStateAsync(id, cancellationToken);
            if (state is null)
            {
                continue;
            }

            try
            {
                await planes.PutKeyAsync(state, options.Value.RequestTimeout, cancellationToken);
                await keys.MarkSyncedAsync(id, state.Version, cancellationToken);
            }
            catch (Exception ex) when (PlaneClient.IsUnavailable(ex, cancellationToken))
            {
                all = false;
                LogDeferred(id, state.Environment, ex.Message);
            }
        }

        if (!all)
        {
            signal.Notify();
        }

        return all ? Synced : Pending;
    }

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Key {KeyId} ({Environment}) not delivered yet, queued for the key-sync worker: {Reason}")]
    private partial void LogDeferred(string keyId, string environment, string reason);
}

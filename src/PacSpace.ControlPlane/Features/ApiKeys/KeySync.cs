using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.ControlPlane.Provisioning;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Features.ApiKeys;

/// <summary>
/// Delivers key changes to the plane of the key's environment while the dashboard call is still open. The
/// change is already committed (with its bumped version) when this runs, so a failure here only means the
/// key-sync worker delivers it later.
/// </summary>
internal sealed partial class KeySync(
    Database db,
    PlaneClient planes,
    KeySyncSignal signal,
    IOptions<KeySyncOptions> options,
    ILogger<KeySync> logger)
{
    public const string Synced = "synced";
    public const string Pending = "pending";

    /// <returns><c>synced</c> when the plane has the latest state of every key, else <c>pending</c>.</returns>
    public async Task<string> DeliverNowAsync(IReadOnlyList<string> keyIds, CancellationToken cancellationToken)
    {
        var all = true;
        await using var connection = await db.OpenAsync(cancellationToken);
        foreach (var id in keyIds)
        {
            var state = await ApiKeyRows.StateAsync(connection, id, cancellationToken);
            if (state is null)
            {
                continue;
            }

            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.Value.RequestTimeout);
                await planes.PutKeyAsync(state, timeout.Token);
                await MarkSyncedAsync(connection, id, state.Version, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
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

    /// <summary>Records that the plane has <paramref name="version"/>; a newer change made meanwhile stays pending.</summary>
    public static Task MarkSyncedAsync(System.Data.Common.DbConnection connection, string id, long version, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE api_keys SET synced_version = @version, sync_attempts = 0, sync_last_error = NULL
            WHERE id = @id AND synced_version < @version
            """, new { id, version }, cancellationToken: cancellationToken));

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Key {KeyId} ({Environment}) not delivered yet, queued for the key-sync worker: {Reason}")]
    private partial void LogDeferred(string keyId, string environment, string reason);
}

/// <summary>Wakes this process's key-sync worker when a delivery failed, so it starts retrying at once.</summary>
internal sealed class KeySyncSignal
{
    private readonly ProvisioningSignal _inner = new();

    public void Notify() => _inner.Notify();

    public Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken) => _inner.WaitAsync(timeout, time, cancellationToken);
}

using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;
using PacSpace.Ledger;

namespace PacSpace.Plane.Features.Keys;

/// <summary>
/// Owner of <c>api_keys</c>: the plane's keys with an in-memory cache in front of its own table (never the control database). A cached
/// entry is fresh for <see cref="PlaneOptions.KeyCacheTtl"/>; for one more period it is still served while a
/// single background read refreshes it, so the hot path never waits on the database and a change made by
/// another replica is seen within two periods. A change received by this replica drops the entry at once.
/// Deliveries from the control plane and the usage feed are in <c>KeyStore.Delivery.cs</c>.
/// </summary>
internal sealed partial class KeyStore
{
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly Database _db;
    private readonly TimeProvider _time;
    private readonly ILogger<KeyStore> _logger;
    private readonly long _ttlMs;

    public KeyStore(Database db, TimeProvider time, IOptions<PlaneOptions> options, ILogger<KeyStore> logger)
    {
        _db = db;
        _time = time;
        _logger = logger;
        _ttlMs = (long)options.Value.KeyCacheTtl.TotalMilliseconds;
        _bySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The cached answer when it may still be used (found or known to be absent); false when the database must be asked.</summary>
    public bool TryGetCached(ReadOnlySpan<char> publicId, long now, out StoredKey? key)
    {
        if (_bySpan.TryGetValue(publicId, out var entry))
        {
            var age = now - entry.FetchedAt;
            if (age < _ttlMs)
            {
                key = entry.Key;
                return true;
            }

            if (age < 2 * _ttlMs && age >= 0)
            {
                if (Interlocked.Exchange(ref entry.Refreshing, 1) == 0)
                {
                    _ = RefreshInBackgroundAsync(entry.PublicId);
                }

                key = entry.Key;
                return true;
            }
        }

        key = null;
        return false;
    }

    public async Task<StoredKey?> LoadAsync(string publicId, CancellationToken cancellationToken)
    {
        // Stamped before the read: an answer is never considered newer than the moment it was asked for.
        var askedAt = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            """
            SELECT k.public_id, k.key_id, k.tenant_id, k.environment, k.secret_hash, k.state, k.expires_at, k.plan,
                   CAST(CASE WHEN EXISTS (SELECT 1 FROM tenant_ledgers l WHERE l.tenant_id = k.tenant_id) THEN 1 ELSE 0 END AS BIGINT) AS deployed
            FROM api_keys k WHERE k.public_id = @publicId
            """, new { publicId }, cancellationToken: cancellationToken));
        var key = row is null
            ? null
            : new StoredKey(row.State, row.ExpiresAt, Convert.FromHexString(row.SecretHash), row.Deployed == 1,
                new ApiCaller(row.KeyId, row.PublicId, row.TenantId,
                    row.Environment == PacSpaceEnvironments.LiveKeyName ? PacSpaceEnvironments.ProductionName : PacSpaceEnvironments.SandboxName, row.Plan));
        if (_cache.Count >= MaxEntries)
        {
            // Bounded memory whatever keys are presented; the working set refills within one period.
            _cache.Clear();
        }

        _cache[publicId] = new Entry(publicId, key, askedAt);
        return key;
    }

    public void Invalidate(string publicId) => _cache.TryRemove(publicId, out _);

    private async Task RefreshInBackgroundAsync(string publicId)
    {
        try
        {
            await LoadAsync(publicId, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The stale entry ages out; the next request reads the database itself.
            LogRefreshFailed(ex, publicId);
        }
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Warning, Message = "Could not refresh cached key {PublicId}")]
    private partial void LogRefreshFailed(Exception ex, string publicId);

    private sealed class Entry(string publicId, StoredKey? key, long fetchedAt)
    {
        public string PublicId { get; } = publicId;

        public StoredKey? Key { get; } = key;

        public long FetchedAt { get; } = fetchedAt;

        public int Refreshing;
    }

    private sealed record Row(string PublicId, string KeyId, string TenantId, string Environment, string SecretHash, string State, long? ExpiresAt, string Plan, long Deployed);
}

using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;

namespace PacSpace.Plane.Features.Keys;

/// <summary>Who is calling, once the key checked out: what the Balance API handlers read.</summary>
internal sealed class ApiCaller
{
    public ApiCaller(string keyId, string publicId, string tenantId, string environment, string plan)
    {
        KeyId = keyId;
        PublicId = publicId;
        TenantId = tenantId;
        Environment = environment;
        Plan = plan;
        RateKey = keyId + "/" + plan;
        WhoAmI = new WhoAmIView(tenantId, environment, keyId);
    }

    public string KeyId { get; }

    public string PublicId { get; }

    public string TenantId { get; }

    public string Environment { get; }

    public string Plan { get; }

    /// <summary>Rate-limit partition: a plan change gives the key a fresh bucket with the new limits.</summary>
    public string RateKey { get; }

    public WhoAmIView WhoAmI { get; }
}

public sealed record WhoAmIView(string TenantId, string Environment, string KeyId);

/// <summary>A key as this plane stores it.</summary>
internal sealed class StoredKey(string state, long? expiresAt, byte[] secretHash, bool deployed, ApiCaller caller)
{
    public string State { get; } = state;

    public long? ExpiresAt { get; } = expiresAt;

    public byte[] SecretHash { get; } = secretHash;

    /// <summary>Whether the tenant's ledger exists on this plane (its environment is active here).</summary>
    public bool Deployed { get; } = deployed;

    public ApiCaller Caller { get; } = caller;

    /// <summary>Last time this process queued a usage record for the key (Unix ms); thins usage to one per second.</summary>
    public long LastRecorded;
}

/// <summary>
/// The plane's keys with an in-memory cache in front of its own table (never the control database). A cached
/// entry is fresh for <see cref="PlaneOptions.KeyCacheTtl"/>; for one more period it is still served while a
/// single background read refreshes it, so the hot path never waits on the database and a change made by
/// another replica is seen within two periods. A change received by this replica drops the entry at once.
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
            : new StoredKey(row.state, row.expires_at, Convert.FromHexString(row.secret_hash), row.deployed == 1,
                new ApiCaller(row.key_id, row.public_id, row.tenant_id, row.environment == "live" ? "production" : "sandbox", row.plan));
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

    private sealed record Row(string public_id, string key_id, string tenant_id, string environment, string secret_hash, string state, long? expires_at, string plan, long deployed);
}

using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace PacSpace.Plane.Features.Keys;

/// <summary>
/// Per-key token buckets (System.Threading.RateLimiting), sized by the key's plan. One partitioned limiter
/// for the process: one replenishment timer for all keys, idle buckets dropped by the library.
/// </summary>
internal sealed class KeyRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<ApiCaller> _limiter;

    public KeyRateLimiter(IOptions<PlaneOptions> options)
    {
        var o = options.Value;
        // Both delegates are built once: nothing is allocated per request when a permit is available.
        Func<string, TokenBucketRateLimiterOptions> factory = rateKey =>
        {
            var limit = o.RateLimitFor(rateKey[(rateKey.IndexOf('/', StringComparison.Ordinal) + 1)..]);
            // Refilled ten times a second, so a client at its rate is never starved for a whole second.
            var fast = limit.PermitsPerSecond >= 10;
            return new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit.Burst,
                TokensPerPeriod = fast ? limit.PermitsPerSecond / 10 : limit.PermitsPerSecond,
                ReplenishmentPeriod = fast ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            };
        };
        // RateLimitPartition.GetTokenBucketLimiter would wrap the factory in a new delegate on every call.
        Func<string, RateLimiter> bucket = rateKey => new TokenBucketRateLimiter(factory(rateKey));
        _limiter = PartitionedRateLimiter.Create<ApiCaller, string>(caller => new RateLimitPartition<string>(caller.RateKey, bucket));
    }

    /// <returns>0 when the request may go ahead, else the seconds to wait.</returns>
    public int TryAcquire(ApiCaller caller)
    {
        using var lease = _limiter.AttemptAcquire(caller);
        if (lease.IsAcquired)
        {
            return 0;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
    }

    public void Dispose() => _limiter.Dispose();
}

namespace PacSpace.ControlPlane.Jobs;

/// <summary>The delay before a failed job runs again.</summary>
internal static class RetryBackoff
{
    /// <summary>Exponential from <paramref name="initial"/>, capped at <paramref name="max"/>, with jitter over its upper half.</summary>
    public static TimeSpan Jittered(long attempt, TimeSpan initial, TimeSpan max)
    {
        var exp = initial.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20));
        var capped = Math.Min(exp, max.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }
}

namespace PacSpace.ControlPlane.Jobs;

/// <summary>A failed run of one item and what happens next.</summary>
/// <param name="Error">What went wrong.</param>
/// <param name="Attempt">The run that failed (1 for the first).</param>
/// <param name="RetryIn">When to run the item again; null when it is given up.</param>
/// <param name="At">When the run failed.</param>
internal sealed record JobFailure(Exception Error, long Attempt, TimeSpan? RetryIn, DateTimeOffset At)
{
    public bool GaveUp => RetryIn is null;

    /// <summary>When the item is due again, Unix ms (the time columns' unit).</summary>
    public long? RetryAtMs => RetryIn is { } delay ? At.Add(delay).ToUnixTimeMilliseconds() : null;
}

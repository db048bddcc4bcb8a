namespace PacSpace.ControlPlane.Jobs;

/// <summary>How a job's loop runs, read from the job's options section.</summary>
/// <param name="Enabled">False on replicas that should serve the API only.</param>
/// <param name="PollInterval">How long the loop sleeps when nothing woke it and the last claim was not full.</param>
/// <param name="Batch">The most items one claim takes.</param>
/// <param name="Concurrency">Items run at once.</param>
/// <param name="InitialBackoff">Delay after a first failure, doubled for each further one.</param>
/// <param name="MaxBackoff">Longest delay between two runs of a failing item.</param>
/// <param name="MaxAttempts">After this many failed runs an item is given up; null retries for ever.</param>
internal sealed record JobSchedule(
    bool Enabled,
    TimeSpan PollInterval,
    int Batch,
    int Concurrency,
    TimeSpan InitialBackoff,
    TimeSpan MaxBackoff,
    int? MaxAttempts);

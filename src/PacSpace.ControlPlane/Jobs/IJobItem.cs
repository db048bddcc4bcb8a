namespace PacSpace.ControlPlane.Jobs;

/// <summary>One claimed unit of work.</summary>
internal interface IJobItem
{
    /// <summary>1 for the first run of this work, counting the run that was just claimed.</summary>
    long Attempt { get; }
}

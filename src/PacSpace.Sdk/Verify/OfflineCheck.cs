namespace PacSpace.Sdk.Verify;

/// <summary>One step of an offline check.</summary>
/// <param name="Name">What the step checks, e.g. <c>content hash</c>, <c>inclusion proof</c> or <c>consistency</c>.</param>
/// <param name="Passed">Whether it held.</param>
/// <param name="Detail">The figures it compared, or why it failed.</param>
public sealed record OfflineStep(string Name, bool Passed, string Detail);

/// <summary>The steps of an offline check; <see cref="Passed"/> only when every step passed.</summary>
/// <param name="Steps">Each step in the order it ran.</param>
/// <param name="Passed">True only when every step passed.</param>
public sealed record OfflineCheck(IReadOnlyList<OfflineStep> Steps, bool Passed);

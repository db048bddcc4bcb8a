namespace PacSpace.ControlPlane;

/// <summary>What an operator command did, in words for the operator's terminal.</summary>
public sealed record OperatorOutcome(bool Succeeded, string Message);

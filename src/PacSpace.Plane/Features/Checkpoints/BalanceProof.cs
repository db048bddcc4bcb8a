namespace PacSpace.Plane.Features.Checkpoints;

/// <summary>A customer's closing balance in a checkpoint, with what is needed to check it against <c>balancesRoot</c>.</summary>
internal sealed record BalanceProof(
    string BalancesRoot,
    string Leaf,
    long LeafIndex,
    long LeafCount,
    IReadOnlyList<string> Proof,
    long LastCustomerSeq,
    long LastIndex,
    long ClosingBalance);

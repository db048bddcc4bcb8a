namespace PacSpace.Plane.Features.Deltas;

/// <summary>A point of a customer's chain: the entry's sequence, log index and running balance.</summary>
internal sealed class ChainPoint
{
    public long CustomerSeq { get; set; }

    public long LogIndex { get; set; }

    public long BalanceAfter { get; set; }

    public string ReceiptId { get; set; } = "";
}

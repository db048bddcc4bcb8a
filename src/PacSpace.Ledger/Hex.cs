using System.Buffers;

namespace PacSpace.Ledger;

/// <summary>
/// Hex helpers shared by the ledger and its callers.
/// </summary>
/// <remarks>
/// Lowercase output is fixed so that hashes printed in logs, vkeys and test
/// vectors compare byte-for-byte as strings; the decoder is a Try-API because
/// hex almost always arrives from configuration or the network, where a bad
/// value is an expected input rather than a programming error.
/// </remarks>
public static class Hex
{
    /// <summary>Encodes as lowercase hex, the form used by RFC 6962 vectors and signed-note vkeys.</summary>
    public static string Encode(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(data);

    /// <summary>
    /// Decodes hex of either case without throwing, so untrusted input can be
    /// rejected with a plain <c>if</c>.
    /// </summary>
    /// <returns><see langword="false"/> (and an empty array) for null, odd-length or non-hex input.</returns>
    public static bool TryDecode(string? hex, out byte[] bytes)
    {
        bytes = [];
        if (hex is null || hex.Length % 2 != 0)
        {
            return false;
        }

        var buffer = new byte[hex.Length / 2];
        var status = Convert.FromHexString(hex, buffer, out var charsConsumed, out var bytesWritten);
        if (status != OperationStatus.Done || charsConsumed != hex.Length || bytesWritten != buffer.Length)
        {
            return false;
        }

        bytes = buffer;
        return true;
    }
}

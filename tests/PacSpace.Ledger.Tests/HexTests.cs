namespace PacSpace.Ledger.Tests;

public sealed class HexTests
{
    [Fact]
    public void Encode_AnyBytes_IsLowercase()
    {
        Assert.Equal("00ff0aab", Hex.Encode([0x00, 0xff, 0x0a, 0xab]));
        Assert.Equal(string.Empty, Hex.Encode([]));
    }

    [Theory]
    [InlineData("00ff0aab")]
    [InlineData("00FF0AAB")]
    public void TryDecode_ValidHexOfEitherCase_ReturnsBytes(string hex)
    {
        Assert.True(Hex.TryDecode(hex, out var bytes));
        Assert.Equal(new byte[] { 0x00, 0xff, 0x0a, 0xab }, bytes);
    }

    [Fact]
    public void TryDecode_EmptyString_ReturnsEmptyArray()
    {
        Assert.True(Hex.TryDecode(string.Empty, out var bytes));
        Assert.Empty(bytes);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    [InlineData("abc")]
    [InlineData("zz")]
    [InlineData("0x00")]
    [InlineData("00 ")]
    [InlineData(" 00")]
    [InlineData("٠٠")]
    public void TryDecode_InvalidHex_ReturnsFalseAndEmptyArray(string? hex)
    {
        Assert.False(Hex.TryDecode(hex, out var bytes));
        Assert.Empty(bytes);
    }
}

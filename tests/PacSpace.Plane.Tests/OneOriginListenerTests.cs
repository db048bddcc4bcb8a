namespace PacSpace.Plane.Tests;

public sealed class OneOriginListenerTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5091", true)]
    [InlineData("http://10.0.0.5:5091/", true)]
    [InlineData("http://[::1]:5091", true)]
    [InlineData("http://127.0.0.1", false)] // no port: a listener needs one
    [InlineData("https://127.0.0.1:5091", false)] // HTTP/2 with prior knowledge has no TLS
    [InlineData("http://127.0.0.1:5091/api", false)]
    [InlineData("http://127.0.0.1:5091/?a=b", false)]
    [InlineData("http://user@127.0.0.1:5091", false)]
    [InlineData("127.0.0.1:5091", false)]
    [InlineData("not a url", false)]
    public void TryParse_TakesOnlyAPlainHttpAddressWithAPort(string value, bool valid)
    {
        Assert.Equal(valid, OneOriginListener.TryParse(value, out _));
    }
}

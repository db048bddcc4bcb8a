using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// Stores the Data Protection key ring in the control database, so forms posted to one replica validate on another
/// and survive restarts. The interface is synchronous by design of ASP.NET Core; it is called only when the key
/// ring is (re)loaded or a key is created, not per request.
/// </summary>
internal sealed class DatabaseKeyRing(Database db, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = db.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        return connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY created_at").Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = db.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        connection.Execute(
            "INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@name, @xml, @now) ON CONFLICT (name) DO NOTHING",
            new { name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting), now = time.GetUtcNow().ToUnixTimeMilliseconds() });
    }

    public static void Register(IServiceCollection services)
    {
        // The discriminator keeps the name the project had when the first keys were made: changing it would orphan every protected payload.
        services.AddDataProtection().SetApplicationName("PacSpace.Dashboard");
        services.AddSingleton<DatabaseKeyRing>();
        services.AddOptions<KeyManagementOptions>().Configure<DatabaseKeyRing>((o, ring) => o.XmlRepository = ring);
    }
}

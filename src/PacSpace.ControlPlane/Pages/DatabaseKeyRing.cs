using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PacSpace.Hosting.Data;
using PacSpace.Hosting.Secrets;

namespace PacSpace.ControlPlane.Pages;

/// <summary>
/// Stores the Data Protection key ring in the control database, so forms posted to one replica validate on another
/// and survive restarts. Each key's XML is sealed under the key-encryption key (<see cref="AtRestEncryption"/>); keys
/// stored before that, or under a retired KEK, are re-sealed when the ring is read. The interface is synchronous by
/// design of ASP.NET Core; it is called only when the key ring is (re)loaded or a key is created, not per request.
/// </summary>
internal sealed class DatabaseKeyRing(Database db, AtRestEncryption secrets, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = db.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        var rows = connection.Query<(string Name, string Xml)>("SELECT name, xml FROM data_protection_keys ORDER BY created_at").ToList();
        var elements = new List<XElement>(rows.Count);
        foreach (var (name, stored) in rows)
        {
            var xml = secrets.Open(stored, Purpose(name));
            if (secrets.NeedsSealing(stored))
            {
                // Conditional on the value read, so replicas re-sealing at the same time do not overwrite each other.
                connection.Execute("UPDATE data_protection_keys SET xml = @sealed WHERE name = @name AND xml = @stored",
                    new { @sealed = secrets.Seal(xml, Purpose(name)), name, stored });
            }

            elements.Add(XElement.Parse(xml));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = db.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        connection.Execute(
            "INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@name, @xml, @now) ON CONFLICT (name) DO NOTHING",
            new
            {
                name = friendlyName,
                xml = secrets.Seal(element.ToString(SaveOptions.DisableFormatting), Purpose(friendlyName)),
                now = time.GetUtcNow().ToUnixTimeMilliseconds(),
            });
    }

    private static string Purpose(string name) => "data_protection_keys/" + name;

    public static void Register(IServiceCollection services)
    {
        // The discriminator keeps the name the project had when the first keys were made: changing it would orphan every protected payload.
        services.AddDataProtection().SetApplicationName("PacSpace.Dashboard");
        services.AddSingleton<DatabaseKeyRing>();
        services.AddOptions<KeyManagementOptions>().Configure<DatabaseKeyRing>((o, ring) => o.XmlRepository = ring);
    }
}

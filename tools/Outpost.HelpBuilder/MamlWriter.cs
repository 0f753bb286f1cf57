using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Outpost.HelpBuilder;

/// <summary>
/// Writes the MAML that Get-Help reads from <c>en-US/&lt;assembly&gt;-Help.xml</c>, element for element
/// as platyPS's New-ExternalHelp writes it.
/// </summary>
public static class MamlWriter
{
    public static readonly XNamespace Msh = "http://msh";
    public static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    public static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";
    public static readonly XNamespace MSHelp = "http://msdn.microsoft.com/mshelp";

    public static XDocument Build(IEnumerable<CommandPage> pages) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
                pages.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase).Select(CommandElement)));

    public static void Save(XDocument document, string path)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "  ", NewLineChars = "\n" };
        using var writer = XmlWriter.Create(path, settings);
        document.Save(writer);
    }

    private static XElement CommandElement(CommandPage page) =>
        new(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XAttribute(XNamespace.Xmlns + "MSHelp", MSHelp),
            new XElement(Command + "details",
                new XElement(Command + "name", page.Name),
                new XElement(Command + "verb", page.Verb),
                new XElement(Command + "noun", page.Noun),
                Description(Maml + "description", page.Synopsis)),
            Description(Maml + "description", page.Description),
            new XElement(Command + "syntax", page.Syntax.Select(s => SyntaxItem(page, s))),
            new XElement(Command + "parameters",
                page.Parameters.Select(p => Parameter(p, p.Metadata[0], inSyntax: false))),
            new XElement(Command + "inputTypes", Types(page.Inputs, Command + "inputType")),
            new XElement(Command + "returnValues", Types(page.Outputs, Command + "returnValue")),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paras(page.Notes))),
            new XElement(Command + "examples", page.Examples.Select(Example)),
            new XElement(Command + "relatedLinks", Links(page)));

    private static XElement SyntaxItem(CommandPage page, SyntaxSection syntax)
    {
        // In the order of the syntax line (positional parameters first, as Get-Command -Syntax shows them).
        var parameters = syntax.ParameterOrder
            .Select(name => page.Parameters.First(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
            .Select(p => Parameter(p, page.MetadataFor(p, syntax.SetName)!, inSyntax: true));
        return new XElement(Command + "syntaxItem", new XElement(Maml + "name", page.Name), parameters);
    }

    private static XElement Parameter(ParameterSection parameter, ParameterMetadata m, bool inSyntax)
    {
        string type = m.IsSwitch ? "SwitchParameter" : m.Type;
        var element = new XElement(Command + "parameter",
            new XAttribute("required", m.Required ? "true" : "false"),
            new XAttribute("variableLength", "true"),
            new XAttribute("globbing", m.Globbing ? "true" : "false"),
            new XAttribute("pipelineInput", m.PipelineInput),
            new XAttribute("position", m.Position),
            new XAttribute("aliases", m.Aliases.Count > 0 ? string.Join(", ", m.Aliases) : "none"),
            new XElement(Maml + "name", parameter.Name),
            Description(Maml + "description", parameter.Description));
        if (inSyntax && m.AcceptedValues.Count > 0)
        {
            element.Add(new XElement(Command + "parameterValueGroup",
                m.AcceptedValues.Select(v => new XElement(Command + "parameterValue",
                    new XAttribute("required", "false"), new XAttribute("variableLength", "false"), v))));
        }
        // Get-Help shows a switch in a syntax line as [-Name], without a value: platyPS leaves the value out there.
        if (!inSyntax || !m.IsSwitch)
        {
            element.Add(new XElement(Command + "parameterValue",
                new XAttribute("required", m.IsSwitch ? "false" : "true"),
                new XAttribute("variableLength", "false"), type));
        }
        element.Add(new XElement(Dev + "type", new XElement(Maml + "name", type), new XElement(Maml + "uri")));
        element.Add(new XElement(Dev + "defaultValue", m.DefaultValue));
        return element;
    }

    private static IEnumerable<XElement> Types(List<TypeSection> types, XName element)
    {
        var list = types.Count > 0 ? types : new List<TypeSection> { new() { TypeName = "None" } };
        return list.Select(t => new XElement(element,
            new XElement(Dev + "type", new XElement(Maml + "name", t.TypeName)),
            Description(Maml + "description", t.Description)));
    }

    private static XElement Example(ExampleSection example)
    {
        var remarks = example.Introduction.Concat(example.Remarks).ToList();
        return new XElement(Command + "example",
            new XElement(Maml + "title", Title(example.Title)),
            new XElement(Dev + "code", string.Join("\n\n", example.Code)),
            new XElement(Dev + "remarks", Paras(remarks)));
    }

    /// <summary>"Example 1: Submit a file" as Get-Help shows example titles: between rules of dashes.</summary>
    public static string Title(string title)
    {
        int dashes = Math.Max(10, (64 - title.Length - 2) / 2);
        string rule = new('-', dashes);
        return $"{rule} {title} {rule}";
    }

    private static IEnumerable<XElement> Links(CommandPage page)
    {
        if (MarkdownText.IsWebAddress(page.OnlineVersion))
            yield return Link("Online Version:", page.OnlineVersion);
        foreach (var link in page.Links)
            // Get-Help -Online follows web addresses only; a link to a sibling page is shown by its text.
            yield return Link(link.Text, MarkdownText.IsWebAddress(link.Uri) ? link.Uri : "");
    }

    private static XElement Link(string text, string uri) =>
        new(Maml + "navigationLink", new XElement(Maml + "linkText", text), new XElement(Maml + "uri", uri));

    private static XElement Description(XName name, List<string> paras) => new(name, Paras(paras));

    private static IEnumerable<XElement> Paras(List<string> paras) =>
        paras.Count == 0 ? new[] { new XElement(Maml + "para") } : paras.Select(p => new XElement(Maml + "para", p));
}

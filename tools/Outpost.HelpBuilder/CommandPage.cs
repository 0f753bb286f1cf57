namespace Outpost.HelpBuilder;

/// <summary>One cmdlet's help page (platyPS schema 2.0.0) as read from its markdown.</summary>
public sealed class CommandPage
{
    public const string AllParameterSets = "__AllParameterSets";

    public string File { get; set; } = "";
    public string Name { get; set; } = "";
    public string Verb => Name.Split('-')[0];
    public string Noun => Name.Substring(Math.Min(Verb.Length + 1, Name.Length));
    public IDictionary<string, string> FrontMatter { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
    public string ExternalHelpFile => FrontMatter.TryGetValue("external help file", out var v) ? v : "";
    public string OnlineVersion => FrontMatter.TryGetValue("online version", out var v) ? v : "";
    public List<string> Synopsis { get; } = new();
    public List<string> Description { get; } = new();
    public List<SyntaxSection> Syntax { get; } = new();
    public List<ExampleSection> Examples { get; } = new();
    public List<ParameterSection> Parameters { get; } = new();
    public List<TypeSection> Inputs { get; } = new();
    public List<TypeSection> Outputs { get; } = new();
    public List<string> Notes { get; } = new();
    public List<RelatedLink> Links { get; } = new();

    /// <summary>The parameter-set names of the page, in SYNTAX order.</summary>
    public IEnumerable<string> SetNames => Syntax.Select(s => s.SetName);

    /// <summary>The metadata of a parameter in one set, or null when the parameter is not in it.</summary>
    public ParameterMetadata? MetadataFor(ParameterSection parameter, string setName) =>
        parameter.Metadata.FirstOrDefault(m => m.AllSets || m.Sets.Contains(setName, StringComparer.OrdinalIgnoreCase));
}

public sealed class SyntaxSection
{
    public string SetName { get; set; } = CommandPage.AllParameterSets;
    public bool IsDefault { get; set; }
    public string Code { get; set; } = "";
    public int Line { get; set; }
    public int CodeLine { get; set; }
    /// <summary>The parameters the syntax line names, in its order.</summary>
    public List<string> ParameterOrder { get; } = new();
}

public sealed class ExampleSection
{
    public string Title { get; set; } = "";
    public int Line { get; set; }
    public List<string> Introduction { get; } = new();
    public List<string> Code { get; } = new();
    public List<string> Remarks { get; } = new();
}

public sealed class ParameterSection
{
    public string Name { get; set; } = "";
    public int Line { get; set; }
    public List<string> Description { get; } = new();
    public List<ParameterMetadata> Metadata { get; } = new();
    /// <summary>A ```yaml block was there but could not be read (already reported).</summary>
    public bool HasUnreadableMetadata { get; set; }
}

/// <summary>One ```yaml block of a parameter: its facts in the sets it names.</summary>
public sealed class ParameterMetadata
{
    public int Line { get; set; }
    public string Type { get; set; } = "";
    public bool AllSets { get; set; }
    public List<string> Sets { get; } = new();
    public List<string> Aliases { get; } = new();
    public List<string> AcceptedValues { get; } = new();
    public bool Required { get; set; }
    /// <summary>"named" or a number.</summary>
    public string Position { get; set; } = "named";
    public string DefaultValue { get; set; } = "None";
    public bool ByValue { get; set; }
    public bool ByPropertyName { get; set; }
    public bool Globbing { get; set; }

    public bool IsSwitch => Type.Equals("SwitchParameter", StringComparison.OrdinalIgnoreCase) || Type.Equals("switch", StringComparison.OrdinalIgnoreCase);

    /// <summary>As MAML writes it: False, True (ByValue), True (ByPropertyName), True (ByPropertyName, ByValue).</summary>
    public string PipelineInput =>
        !ByValue && !ByPropertyName ? "False"
        : "True (" + string.Join(", ", new[] { ByPropertyName ? "ByPropertyName" : null, ByValue ? "ByValue" : null }.Where(s => s != null)) + ")";
}

public sealed class TypeSection
{
    public string TypeName { get; set; } = "";
    public List<string> Description { get; } = new();
}

public sealed class RelatedLink
{
    public string Text { get; set; } = "";
    public string Uri { get; set; } = "";
}

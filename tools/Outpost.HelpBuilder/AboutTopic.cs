using System.Text;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;

namespace Outpost.HelpBuilder;

/// <summary>
/// An about_ topic in platyPS's layout (# Title, ## about_Name, # SHORT DESCRIPTION, # LONG DESCRIPTION,
/// ...) rendered as the plain text Get-Help about_Name shows: headings flush left, text indented four
/// spaces and wrapped at 80 columns.
/// </summary>
public static class AboutTopic
{
    public const int Width = 80;
    private const string Indent = "    ";

    /// <summary>The topic's name (about_Name) and its text, or null when the page has problems.</summary>
    public static (string Name, string Text)? Render(string file, string markdown, PageProblems problems)
    {
        var blocks = MarkdownText.Parse(markdown).Where(b => b is not YamlFrontMatterBlock and not LinkReferenceDefinitionGroup).ToList();
        string expected = Path.GetFileNameWithoutExtension(file);
        if (blocks.Count < 2 || blocks[0] is not HeadingBlock { Level: 1 } || blocks[1] is not HeadingBlock { Level: 2 } lookup)
        {
            problems.Add(blocks.Count > 0 ? MarkdownText.LineOf(blocks[0]) : 1,
                $"an about topic starts with \"# Title\" and then \"## {expected}\" (the name Get-Help looks up)");
            return null;
        }
        string name = MarkdownText.Inline(lookup.Inline);
        if (!string.Equals(name, expected, StringComparison.OrdinalIgnoreCase))
            problems.Add(MarkdownText.LineOf(lookup), $"the second heading must be the topic name \"{expected}\", not \"{name}\"");
        var level1 = blocks.OfType<HeadingBlock>().Where(h => h.Level == 1).Select(h => MarkdownText.Inline(h.Inline).ToUpperInvariant()).ToList();
        foreach (string required in new[] { "SHORT DESCRIPTION", "LONG DESCRIPTION" })
            if (!level1.Contains(required)) problems.Add(1, $"missing \"# {required}\"");

        var text = new StringBuilder();
        text.Append("TOPIC\n").Append(Indent).Append(name).Append("\n\n");
        foreach (var block in blocks.Skip(2)) Render(block, text, problems, Indent);
        if (problems.Any) return null;
        return (name, text.ToString().TrimEnd('\n') + "\n");
    }

    private static void Render(Block block, StringBuilder text, PageProblems problems, string indent)
    {
        switch (block)
        {
            case HeadingBlock { Level: 1 } heading:
                text.Append(MarkdownText.Inline(heading.Inline).ToUpperInvariant()).Append('\n');
                break;
            case HeadingBlock { Level: 2 } heading:
                text.Append("  ").Append(MarkdownText.Inline(heading.Inline)).Append('\n');
                break;
            case HeadingBlock heading:
                text.Append(Indent).Append(MarkdownText.Inline(heading.Inline).ToUpperInvariant()).Append('\n');
                break;
            case ParagraphBlock paragraph:
                Wrap(MarkdownText.Inline(paragraph.Inline), indent, indent, text);
                text.Append('\n');
                break;
            case ListBlock list:
            {
                int number = int.TryParse(list.OrderedStart, out int start) ? start : 1;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    string bullet = list.IsOrdered ? $"{number++}. " : "- ";
                    bool first = true;
                    foreach (var child in item)
                    {
                        if (child is ParagraphBlock p)
                        {
                            string lead = first ? indent + bullet : indent + new string(' ', bullet.Length);
                            Wrap(MarkdownText.Inline(p.Inline), lead, indent + new string(' ', bullet.Length), text);
                        }
                        else if (child is ListBlock nested)
                        {
                            var inner = new StringBuilder();
                            Render(nested, inner, problems, indent + new string(' ', bullet.Length));
                            text.Append(inner.ToString().TrimEnd('\n')).Append('\n');
                        }
                        else Render(child, text, problems, indent + new string(' ', bullet.Length));
                        first = false;
                    }
                }
                text.Append('\n');
                break;
            }
            case FencedCodeBlock or CodeBlock:
                foreach (string line in MarkdownText.Code((LeafBlock)block).Split('\n'))
                    text.Append(line.Length == 0 ? "" : indent + Indent + line).Append('\n');
                text.Append('\n');
                break;
            case QuoteBlock quote:
                foreach (var child in quote) Render(child, text, problems, indent + "  ");
                break;
            case ThematicBreakBlock:
            case BlankLineBlock:
                break;
            default:
                problems.Add(MarkdownText.LineOf(block), $"an about topic can hold headings, paragraphs, lists and code blocks, not {block.GetType().Name}");
                break;
        }
    }

    /// <summary>Word-wraps to <see cref="Width"/> columns; the first line gets <paramref name="first"/>, the rest <paramref name="rest"/>.</summary>
    public static void Wrap(string paragraph, string first, string rest, StringBuilder text)
    {
        foreach (string hardLine in paragraph.Split('\n'))
        {
            string prefix = first;
            var line = new StringBuilder();
            foreach (string word in hardLine.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (line.Length > 0 && prefix.Length + line.Length + 1 + word.Length > Width)
                {
                    text.Append(prefix).Append(line).Append('\n');
                    prefix = rest;
                    line.Clear();
                }
                if (line.Length > 0) line.Append(' ');
                line.Append(word);
            }
            if (line.Length > 0) text.Append(prefix).Append(line).Append('\n');
            first = rest;
        }
    }
}

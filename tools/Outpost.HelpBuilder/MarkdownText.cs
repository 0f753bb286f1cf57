using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.Yaml;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Outpost.HelpBuilder;

/// <summary>Markdown to the plain text Get-Help shows: no markup characters, links as their text.</summary>
public static class MarkdownText
{
    public static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseYamlFrontMatter()
        .UsePipeTables()
        .Build();

    public static MarkdownDocument Parse(string text) => Markdown.Parse(text, Pipeline);

    /// <summary>1-based line of a block (Markdig counts from 0).</summary>
    public static int LineOf(Block block) => block.Line + 1;

    /// <summary>The text of an inline container: code spans lose their backticks, emphasis its stars.</summary>
    public static string Inline(ContainerInline? container)
    {
        if (container is null) return "";
        var text = new StringBuilder();
        Append(container, text);
        return text.ToString().Trim();
    }

    private static void Append(Inline inline, StringBuilder text)
    {
        switch (inline)
        {
            case LiteralInline literal:
                text.Append(literal.Content.ToString());
                break;
            case CodeInline code:
                text.Append(code.Content);
                break;
            case LineBreakInline lineBreak:
                text.Append(lineBreak.IsHard ? "\n" : " ");
                break;
            case AutolinkInline autolink:
                text.Append(autolink.Url);
                break;
            case HtmlEntityInline entity:
                text.Append(entity.Transcoded.ToString());
                break;
            case HtmlInline html:
                text.Append(html.Tag);
                break;
            case LinkInline link:
            {
                var inner = new StringBuilder();
                foreach (var child in link) Append(child, inner);
                string label = inner.ToString();
                text.Append(label);
                // A web link keeps its address (the console cannot follow it); a link to a sibling page does not.
                if (IsWebAddress(link.Url) && !string.Equals(label, link.Url, StringComparison.Ordinal))
                    text.Append(" (").Append(link.Url).Append(')');
                break;
            }
            case ContainerInline container:
                foreach (var child in container) Append(child, text);
                break;
        }
    }

    public static bool IsWebAddress(string? url) =>
        url != null && (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    /// <summary>A fenced or indented code block's text, lines joined with \n, without a trailing newline.</summary>
    public static string Code(LeafBlock block)
    {
        var lines = new List<string>();
        foreach (var line in block.Lines.Lines.Take(block.Lines.Count)) lines.Add(line.Slice.ToString().TrimEnd());
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return string.Join("\n", lines);
    }

    /// <summary>
    /// Prose blocks as Get-Help paragraphs: a paragraph is one; a list gives one per item ("- " or "1. ");
    /// a code block one, indented. Anything else (tables, HTML) is reported, since the console cannot show it.
    /// </summary>
    public static List<string> Paragraphs(IEnumerable<Block> blocks, PageProblems problems)
    {
        var paras = new List<string>();
        foreach (var block in blocks) AddParagraphs(block, paras, problems, "");
        return paras;
    }

    private static void AddParagraphs(Block block, List<string> paras, PageProblems problems, string indent)
    {
        switch (block)
        {
            case ParagraphBlock paragraph:
                paras.Add(indent + Inline(paragraph.Inline));
                break;
            case ListBlock list:
            {
                int number = int.TryParse(list.OrderedStart, out int start) ? start : 1;
                foreach (var item in list.OfType<ListItemBlock>())
                {
                    string bullet = list.IsOrdered ? $"{number++}. " : "- ";
                    var inner = new List<string>();
                    foreach (var child in item) AddParagraphs(child, inner, problems, "");
                    for (int i = 0; i < inner.Count; i++)
                        paras.Add(indent + (i == 0 ? bullet : new string(' ', bullet.Length)) + inner[i]);
                }
                break;
            }
            case YamlFrontMatterBlock:
                problems.Add(LineOf(block), "front matter must be the first thing in the file");
                break;
            case FencedCodeBlock or CodeBlock:
                paras.Add(string.Join("\n", Code((LeafBlock)block).Split('\n').Select(l => "    " + l)));
                break;
            case QuoteBlock quote:
                foreach (var child in quote) AddParagraphs(child, paras, problems, indent);
                break;
            case ThematicBreakBlock:
            case LinkReferenceDefinitionGroup:
            case BlankLineBlock:
                break;
            case Table:
                problems.Add(LineOf(block), "tables cannot be shown by Get-Help; use a list");
                break;
            case HtmlBlock:
                problems.Add(LineOf(block), "raw HTML cannot be shown by Get-Help; write it as markdown (put <placeholders> in `backticks`)");
                break;
            case HeadingBlock heading:
                problems.Add(LineOf(block), $"unexpected heading \"{Inline(heading.Inline)}\" here");
                break;
            default:
                problems.Add(LineOf(block), $"unsupported markdown ({block.GetType().Name})");
                break;
        }
    }
}

//! One function per request: protocol positions in, [`crate::ide`] asked
//! with byte offsets, its answer translated back.

use super::convert::Ranges;
use super::documents::{Document, file_uri};
use super::{Server, convert, error_response, ok_response};
use crate::ide::{self, Analysis, FileEdit};
use crate::source::{Sources, Span};
use lsp_server::{ErrorCode, Request, Response};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, FoldingRangeRequest, Formatting,
    GotoDefinition, HoverRequest, PrepareRenameRequest, References, Rename, Request as _,
    SemanticTokensFullRequest, WorkspaceSymbolRequest,
};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CompletionItem,
    CompletionItemKind, CompletionParams, CompletionResponse, DocumentFormattingParams,
    DocumentSymbolParams, DocumentSymbolResponse, FoldingRange, FoldingRangeKind,
    FoldingRangeParams, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents,
    HoverParams, InsertTextFormat, Location, MarkupContent, MarkupKind, OneOf, Position,
    PrepareRenameResponse, ReferenceParams, RenameParams, SemanticToken, SemanticTokens,
    SemanticTokensParams, SemanticTokensResult, SymbolKind, TextDocumentPositionParams, TextEdit,
    Uri, WorkspaceEdit, WorkspaceSymbol, WorkspaceSymbolParams, WorkspaceSymbolResponse,
};
use serde::de::DeserializeOwned;
use std::collections::HashMap;

pub(super) fn request(server: &mut Server, request: Request) -> Response {
    let id = request.id.clone();
    let result = match request.method.as_str() {
        HoverRequest::METHOD => with(request, |p: HoverParams| hover(server, p)),
        GotoDefinition::METHOD => with(request, |p: GotoDefinitionParams| definition(server, p)),
        References::METHOD => with(request, |p: ReferenceParams| references(server, p)),
        PrepareRenameRequest::METHOD => with(request, |p: TextDocumentPositionParams| {
            prepare_rename(server, p)
        }),
        Rename::METHOD => with(request, |p: RenameParams| rename(server, p)),
        DocumentSymbolRequest::METHOD => with(request, |p: DocumentSymbolParams| {
            document_symbols(server, p)
        }),
        WorkspaceSymbolRequest::METHOD => with(request, |p: WorkspaceSymbolParams| {
            workspace_symbols(server, p)
        }),
        Completion::METHOD => with(request, |p: CompletionParams| completion(server, p)),
        SemanticTokensFullRequest::METHOD => with(request, |p: SemanticTokensParams| {
            semantic_tokens(server, p)
        }),
        FoldingRangeRequest::METHOD => with(request, |p: FoldingRangeParams| folding(server, p)),
        CodeActionRequest::METHOD => with(request, |p: CodeActionParams| code_actions(server, p)),
        Formatting::METHOD => with(request, |p: DocumentFormattingParams| formatting(server, p)),
        other => Err((
            ErrorCode::MethodNotFound,
            format!("`{other}` is not supported by this server"),
        )),
    };
    match result {
        Ok(value) => ok_response(id, value),
        Err((code, message)) => error_response(id, code, message),
    }
}

type Answer = Result<serde_json::Value, (ErrorCode, String)>;

fn with<P: DeserializeOwned, R: serde::Serialize>(
    request: Request,
    handler: impl FnOnce(P) -> Result<R, (ErrorCode, String)>,
) -> Answer {
    let params: P = serde_json::from_value(request.params).map_err(|error| {
        (
            ErrorCode::InvalidParams,
            format!(
                "the parameters of `{}` are not understood: {error}",
                request.method
            ),
        )
    })?;
    let result = handler(params)?;
    serde_json::to_value(result).map_err(|error| (ErrorCode::InternalError, error.to_string()))
}

/// The open document and its front end.
fn document<'a>(
    server: &'a Server,
    uri: &Uri,
) -> Result<(&'a Document, &'a Analysis), (ErrorCode, String)> {
    let document = server.documents.get(uri).ok_or_else(|| {
        (
            ErrorCode::InvalidParams,
            format!("`{}` is not open", uri.as_str()),
        )
    })?;
    let analysis = document.current().ok_or_else(|| {
        (
            ErrorCode::ContentModified,
            "the document is being checked; ask again in a moment".to_owned(),
        )
    })?;
    Ok((document, analysis))
}

fn offset(document: &Document, position: Position) -> usize {
    document.lines.offset(&document.text, position)
}

fn hover(server: &Server, params: HoverParams) -> Result<Option<Hover>, (ErrorCode, String)> {
    let at = params.text_document_position_params;
    let (document, analysis) = document(server, &at.text_document.uri)?;
    let Some(found) = ide::hover::hover(analysis, offset(document, at.position)) else {
        return Ok(None);
    };
    Ok(Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: found.markdown,
        }),
        range: Some(Ranges::new(&analysis.sources).range(found.span)),
    }))
}

fn definition(
    server: &Server,
    params: GotoDefinitionParams,
) -> Result<Option<GotoDefinitionResponse>, (ErrorCode, String)> {
    let at = params.text_document_position_params;
    let (document, analysis) = document(server, &at.text_document.uri)?;
    Ok(
        ide::definition::definition(analysis, offset(document, at.position))
            .and_then(|span| Ranges::new(&analysis.sources).location(span))
            .map(GotoDefinitionResponse::Scalar),
    )
}

fn references(
    server: &Server,
    params: ReferenceParams,
) -> Result<Option<Vec<Location>>, (ErrorCode, String)> {
    let at = params.text_document_position;
    let (document, analysis) = document(server, &at.text_document.uri)?;
    let spans = ide::definition::references(
        analysis,
        offset(document, at.position),
        params.context.include_declaration,
    );
    let mut ranges = Ranges::new(&analysis.sources);
    Ok(Some(
        spans
            .into_iter()
            .filter_map(|span| ranges.location(span))
            .collect(),
    ))
}

fn prepare_rename(
    server: &Server,
    params: TextDocumentPositionParams,
) -> Result<Option<PrepareRenameResponse>, (ErrorCode, String)> {
    let (document, analysis) = document(server, &params.text_document.uri)?;
    Ok(
        ide::rename::prepare_rename(analysis, offset(document, params.position))
            .map(|span| PrepareRenameResponse::Range(Ranges::new(&analysis.sources).range(span))),
    )
}

fn rename(server: &Server, params: RenameParams) -> Result<WorkspaceEdit, (ErrorCode, String)> {
    let at = params.text_document_position;
    let (document, analysis) = document(server, &at.text_document.uri)?;
    let others: Vec<&Analysis> = server
        .documents
        .iter()
        .filter(|d| d.uri != document.uri)
        .filter_map(Document::current)
        .collect();
    let edits = ide::rename::rename(
        analysis,
        others.iter().copied(),
        offset(document, at.position),
        &params.new_name,
    )
    .map_err(|why| (ErrorCode::InvalidParams, why))?;
    let all: Vec<&Analysis> = std::iter::once(analysis).chain(others).collect();
    Ok(workspace_edit(&all, edits))
}

/// Edits by file name, as a workspace edit; each file's text is found in
/// the analysis that holds it.
#[expect(
    clippy::mutable_key_type,
    reason = "the protocol's WorkspaceEdit is keyed by Uri, whose hash never changes"
)]
fn workspace_edit(analyses: &[&Analysis], edits: Vec<FileEdit>) -> WorkspaceEdit {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for edit in edits {
        let Some((sources, file)) = analyses
            .iter()
            .find_map(|a| a.file_named(&edit.file).map(|f| (&a.sources, f)))
        else {
            continue;
        };
        let Some(uri) = file_uri(&edit.file) else {
            continue;
        };
        let span = Span::new(file, edit.span.start as usize, edit.span.end as usize);
        let range = Ranges::new(sources).range(span);
        changes.entry(uri).or_default().push(TextEdit {
            range,
            new_text: edit.replacement,
        });
    }
    WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }
}

fn symbol_kind(kind: ide::symbols::SymbolKind) -> SymbolKind {
    use ide::symbols::SymbolKind as K;
    match kind {
        K::Header => SymbolKind::MODULE,
        K::Use => SymbolKind::PACKAGE,
        K::Input => SymbolKind::VARIABLE,
        K::Value => SymbolKind::ENUM_MEMBER,
        K::Assumption => SymbolKind::BOOLEAN,
        K::Definition => SymbolKind::FUNCTION,
        K::Score => SymbolKind::NUMBER,
        K::Entry => SymbolKind::CLASS,
        K::Rule => SymbolKind::METHOD,
        K::Action => SymbolKind::EVENT,
        K::Requirement => SymbolKind::INTERFACE,
        K::Case => SymbolKind::STRUCT,
        K::Exclusive => SymbolKind::ENUM,
        K::Broken => SymbolKind::NULL,
    }
}

fn document_symbols(
    server: &Server,
    params: DocumentSymbolParams,
) -> Result<DocumentSymbolResponse, (ErrorCode, String)> {
    let (_, analysis) = document(server, &params.text_document.uri)?;
    let mut ranges = Ranges::new(&analysis.sources);
    #[expect(
        deprecated,
        reason = "`deprecated` is a field the protocol still requires"
    )]
    fn convert(
        ranges: &mut Ranges<'_>,
        symbol: ide::symbols::DocumentSymbol,
    ) -> lsp_types::DocumentSymbol {
        let children: Vec<lsp_types::DocumentSymbol> = symbol
            .children
            .into_iter()
            .map(|c| convert(ranges, c))
            .collect();
        lsp_types::DocumentSymbol {
            name: if symbol.name.is_empty() {
                "?".to_owned()
            } else {
                symbol.name
            },
            detail: symbol.detail,
            kind: symbol_kind(symbol.kind),
            tags: None,
            deprecated: None,
            range: ranges.range(symbol.span),
            selection_range: ranges.range(symbol.selection),
            children: (!children.is_empty()).then_some(children),
        }
    }
    Ok(DocumentSymbolResponse::Nested(
        ide::symbols::document_symbols(&analysis.syntax)
            .into_iter()
            .map(|s| convert(&mut ranges, s))
            .collect(),
    ))
}

fn workspace_symbols(
    server: &Server,
    params: WorkspaceSymbolParams,
) -> Result<WorkspaceSymbolResponse, (ErrorCode, String)> {
    let analyses: Vec<&Analysis> = server
        .documents
        .iter()
        .filter_map(Document::current)
        .collect();
    let mut found = Vec::new();
    for (name, symbol) in ide::symbols::workspace_symbols(analyses.iter().copied(), &params.query) {
        let Some(analysis) = analyses.iter().find(|a| a.sources.name(a.file) == name) else {
            continue;
        };
        let Some(location) = Ranges::new(&analysis.sources).location(symbol.selection) else {
            continue;
        };
        found.push(WorkspaceSymbol {
            name: symbol.name,
            kind: symbol_kind(symbol.kind),
            tags: None,
            container_name: symbol.detail,
            location: OneOf::Left(location),
            data: None,
        });
    }
    Ok(WorkspaceSymbolResponse::Nested(found))
}

fn completion(
    server: &Server,
    params: CompletionParams,
) -> Result<CompletionResponse, (ErrorCode, String)> {
    use ide::completion::CompletionKind as K;
    let at = params.text_document_position;
    let (document, analysis) = document(server, &at.text_document.uri)?;
    let mut ranges = Ranges::new(&analysis.sources);
    let items = ide::completion::completions(analysis, offset(document, at.position))
        .into_iter()
        .map(|c| {
            let range = ranges.range(c.replace);
            let (text, format) = match &c.snippet {
                Some(body) => (body.clone(), InsertTextFormat::SNIPPET),
                None => (c.label.clone(), InsertTextFormat::PLAIN_TEXT),
            };
            CompletionItem {
                kind: Some(match c.kind {
                    K::Input => CompletionItemKind::VARIABLE,
                    K::Definition => CompletionItemKind::FUNCTION,
                    K::Score => CompletionItemKind::PROPERTY,
                    K::Entry => CompletionItemKind::CLASS,
                    K::Rule => CompletionItemKind::EVENT,
                    K::Value => CompletionItemKind::ENUM_MEMBER,
                    K::Group => CompletionItemKind::MODULE,
                    K::Unit => CompletionItemKind::UNIT,
                    K::Keyword => CompletionItemKind::KEYWORD,
                    K::Snippet => CompletionItemKind::SNIPPET,
                }),
                detail: c.detail,
                insert_text_format: Some(format),
                text_edit: Some(lsp_types::CompletionTextEdit::Edit(TextEdit {
                    range,
                    new_text: text,
                })),
                label: c.label,
                ..CompletionItem::default()
            }
        })
        .collect();
    Ok(CompletionResponse::Array(items))
}

fn semantic_tokens(
    server: &Server,
    params: SemanticTokensParams,
) -> Result<Option<SemanticTokensResult>, (ErrorCode, String)> {
    let (document, analysis) = document(server, &params.text_document.uri)?;
    let mut data = Vec::new();
    let (mut line, mut character) = (0, 0);
    for token in ide::semantic_tokens::semantic_tokens(analysis) {
        let start = document
            .lines
            .position(&document.text, token.span.start as usize);
        let end = document
            .lines
            .position(&document.text, token.span.end as usize);
        if end.line != start.line || end.character <= start.character {
            continue;
        }
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 {
            start.character - character
        } else {
            start.character
        };
        data.push(SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: token.kind.index(),
            token_modifiers_bitset: 0,
        });
        (line, character) = (start.line, start.character);
    }
    Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
        result_id: None,
        data,
    })))
}

fn folding(
    server: &Server,
    params: FoldingRangeParams,
) -> Result<Vec<FoldingRange>, (ErrorCode, String)> {
    let (document, analysis) = document(server, &params.text_document.uri)?;
    let Some(file) = analysis.sources.get(analysis.file) else {
        return Ok(Vec::new());
    };
    Ok(ide::folding::folding_ranges(&analysis.syntax, file)
        .into_iter()
        .map(|fold| {
            let start = document.lines.line(fold.span.start as usize);
            let end = document
                .lines
                .line((fold.span.end as usize).saturating_sub(1));
            FoldingRange {
                start_line: u32::try_from(start).unwrap_or(u32::MAX),
                start_character: None,
                end_line: u32::try_from(end).unwrap_or(u32::MAX),
                end_character: None,
                kind: Some(match fold.kind {
                    ide::folding::FoldKind::Statement => FoldingRangeKind::Region,
                    ide::folding::FoldKind::Comment => FoldingRangeKind::Comment,
                }),
                collapsed_text: None,
            }
        })
        .collect())
}

fn code_actions(
    server: &Server,
    params: CodeActionParams,
) -> Result<Vec<CodeActionOrCommand>, (ErrorCode, String)> {
    let (document, analysis) = document(server, &params.text_document.uri)?;
    // The full check's diagnostics when it has finished for this version,
    // else the front end's: both carry their fixes.
    let (sources, file, diagnostics): (&Sources, _, &[_]) = match &document.checked {
        Some(checked) if checked.version == document.version => {
            (&checked.sources, checked.file, &checked.diagnostics)
        }
        _ => (&analysis.sources, analysis.file, &analysis.diagnostics),
    };
    let start = offset(document, params.range.start);
    let end = offset(document, params.range.end);
    let actions =
        ide::code_actions::code_actions(sources, diagnostics, Span::new(file, start, end));
    let mut result = Vec::new();
    for action in actions {
        let Some(diagnostic) = diagnostics.get(action.diagnostic) else {
            continue;
        };
        let shown = convert::diagnostics(
            sources,
            file,
            std::slice::from_ref(diagnostic),
            &server.config,
        );
        let edit = workspace_edit_in(sources, action.edit);
        result.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: action.title,
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(shown),
            edit: Some(edit),
            is_preferred: Some(action.preferred),
            ..CodeAction::default()
        }));
    }
    Ok(result)
}

#[expect(
    clippy::mutable_key_type,
    reason = "the protocol's WorkspaceEdit is keyed by Uri, whose hash never changes"
)]
fn workspace_edit_in(sources: &Sources, edit: FileEdit) -> WorkspaceEdit {
    let mut changes = HashMap::new();
    if let Some(uri) = file_uri(&edit.file) {
        let range = Ranges::new(sources).range(edit.span);
        changes.insert(
            uri,
            vec![TextEdit {
                range,
                new_text: edit.replacement,
            }],
        );
    }
    WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    }
}

fn formatting(
    server: &Server,
    params: DocumentFormattingParams,
) -> Result<Option<Vec<TextEdit>>, (ErrorCode, String)> {
    let (document, analysis) = document(server, &params.text_document.uri)?;
    match ide::formatting::format(analysis) {
        Ok(None) => Ok(Some(Vec::new())),
        Ok(Some(formatted)) => {
            let end = document.lines.position(&document.text, document.text.len());
            Ok(Some(vec![TextEdit {
                range: lsp_types::Range::new(Position::new(0, 0), end),
                new_text: formatted,
            }]))
        }
        Err(why) => Err((ErrorCode::RequestFailed, why)),
    }
}

// kgraph's SPARQL editor: CodeMirror 6 with the SPARQL mode of @codemirror/legacy-modes,
// bundled into one file (esbuild, IIFE) that defines window.KGraphEditor.
import {EditorView, basicSetup} from "codemirror";
import {EditorState} from "@codemirror/state";
import {keymap} from "@codemirror/view";
import {StreamLanguage} from "@codemirror/language";
import {autocompletion} from "@codemirror/autocomplete";
import {sparql} from "@codemirror/legacy-modes/mode/sparql";

function create(parent, options) {
  const run = options.onRun || (() => {});
  const extensions = [
    basicSetup,
    StreamLanguage.define(sparql),
    autocompletion({override: options.complete ? [options.complete] : [], activateOnTyping: true}),
    keymap.of([{key: "Mod-Enter", run: () => { run(); return true; }},
               {key: "Shift-Enter", run: () => { run(); return true; }}]),
    EditorView.lineWrapping,
  ];
  if (options.onChange) {
    extensions.push(EditorView.updateListener.of(u => { if (u.docChanged) options.onChange(); }));
  }
  const view = new EditorView({state: EditorState.create({doc: options.doc || "", extensions}), parent});
  return {
    view,
    get value() { return view.state.doc.toString(); },
    set value(text) { view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text}}); },
    focus() { view.focus(); },
  };
}

window.KGraphEditor = {create};

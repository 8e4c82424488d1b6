// Material's partials/javascripts/base.html (mkdocs-material 9.x), unchanged but for the scope:
// the site's root, found from this file's own address (assets/javascripts/) instead of the page's
// base_url written into every page (config.extra.scope is not used by this site).
__md_scope=new URL("../..",document.currentScript.src),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}
